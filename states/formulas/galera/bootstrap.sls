# Starts the cluster on the seed the galera election chose (pillar.orch.galera.seed), only when
# it said bootstrap: a new cluster, or the recovery of a full outage from the most advanced node.
# Nothing here runs on a node whose mariadbd already runs.
include:
  - galera
  - galera.users

# Recovery: only the seed is marked safe to bootstrap; Galera refuses --wsrep-new-cluster otherwise.
galera-safe-to-bootstrap:
  cmd.run:
    - name: "sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' /var/lib/mysql/grastate.dat"
    - onlyif:
      - test -f /var/lib/mysql/grastate.dat
      - "! /usr/local/sbin/galera-status running"
    - unless:
      - "grep -q '^safe_to_bootstrap: 1' /var/lib/mysql/grastate.dat"
    - require:
      - file: galera-cnf
      - file: galera-status-script

# An empty gvwstate.dat (a crash while writing it) stops the node from starting.
galera-empty-gvwstate:
  cmd.run:
    - name: rm -f /var/lib/mysql/gvwstate.dat
    - onlyif:
      - test -f /var/lib/mysql/gvwstate.dat
      - test ! -s /var/lib/mysql/gvwstate.dat
      - "! /usr/local/sbin/galera-status running"
    - require:
      - file: galera-status-script

# galera_new_cluster on systemd; Debian's init script has a 'bootstrap' action that starts
# mysqld_safe with --wsrep-new-cluster.
galera-bootstrap-start:
  cmd.run:
    - name: if [ "{{grains.init}}" = systemd ]; then galera_new_cluster; else /etc/init.d/mariadb bootstrap; fi
    - unless:
      - /usr/local/sbin/galera-status running
    - timeout: {{pillar.galera.sync_timeout}}
    - require:
      - cmd: galera-safe-to-bootstrap
      - cmd: galera-empty-gvwstate

galera-bootstrap-synced:
  wait.for:
    - command: /usr/local/sbin/galera-status synced
    - attempts: {{pillar.galera.sync_timeout}}
    - interval: 1
    - probe_timeout: 10
    - require:
      - cmd: galera-bootstrap-start
    - require_in:
      - mysql_user: galera-sst-user
      - mysql_user: galera-monitor-user

galera-bootstrap-config-recorded:
  cmd.run:
    - name: /usr/local/sbin/galera-status record-config
    - unless:
      - /usr/local/sbin/galera-status config-current
    - require:
      - wait: galera-bootstrap-synced
      - file: galera-state-dir
