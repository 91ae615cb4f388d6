# Every data node runs and is Synced. The orchestration applies this one node at a time (batch 1),
# after the seed bootstrapped: each node joins, or restarts for a changed 60-galera.cnf, and is
# Synced before the next one starts, so joiners do not all ask for a state transfer at once and
# the cluster keeps its quorum through a rolling restart.
include:
  - galera

# The rolling restart for a new configuration, drained through clustercheck (below).
galera-restart-script:
  file.managed:
    - name: /usr/local/sbin/galera-restart
    - source: galera/galera-restart.sh
    - template: none
    - mode: "0755"
    - user: root
    - group: root

# A running node restarts only when its configuration changed since it started (galera-status
# compares 60-galera.cnf with what it recorded then); a re-run restarts nothing. The node is
# drained first (clustercheck's maintenance file: every HAProxy marks it down and moves its
# sessions to the next server) and taken back once Synced, so HAProxy never sends a write to a
# node that is stopping or starting: see galera-restart.sh. The script ends 20 s before the
# state's timeout and cmd.run's 10-minute cap (a run killed there would leave its drain behind).
galera-restart-for-config:
  cmd.run:
    - name: "/usr/local/sbin/galera-restart --init {{grains.init}} --drain {{pillar.clustercheck.maintenance_file}} --server {{pillar.node.id}} --haproxy-socket {{pillar.haproxy.stats_socket}} --within $(({{pillar.galera.sync_timeout}} < 600 ? {{pillar.galera.sync_timeout}} - 20 : 580))"
    - onlyif:
      - /usr/local/sbin/galera-status running
    - unless:
      - /usr/local/sbin/galera-status config-current
    - timeout: {{pillar.galera.sync_timeout}}
    - require:
      - file: galera-cnf
      - file: galera-status-script
      - file: galera-restart-script

galera-service:
  service.running:
    - name: mariadb
    - enable: true
    - require:
      - cmd: galera-restart-for-config

galera-synced:
  wait.for:
    - command: /usr/local/sbin/galera-status synced
    - attempts: {{pillar.galera.sync_timeout}}
    - interval: 1
    - probe_timeout: 10
    - require:
      - service: galera-service

# A drain galera-restart made and could not remove (a run killed before it could) is removed once
# the node is Synced, so it does not stay out of every HAProxy for good; an operator's is kept.
galera-drain-released:
  cmd.run:
    - name: /usr/local/sbin/galera-restart undrain {{pillar.clustercheck.maintenance_file}}
    - onlyif:
      - /usr/local/sbin/galera-restart owns {{pillar.clustercheck.maintenance_file}}
    - require:
      - wait: galera-synced
      - file: galera-restart-script

galera-config-recorded:
  cmd.run:
    - name: /usr/local/sbin/galera-status record-config
    - unless:
      - /usr/local/sbin/galera-status config-current
    - require:
      - wait: galera-synced
      - file: galera-state-dir
