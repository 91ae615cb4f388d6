# A Galera data node, installed and configured but not started: which node starts first, and
# how, is the orchestration's decision (galera.bootstrap, galera.service). A changed
# configuration is not applied by restarting here either: galera.service restarts the nodes
# one at a time, each waiting for Synced, so the cluster keeps its quorum.

# The arbitrator runs garbd only (galera.garbd); a data node there would be a fourth member.
galera-not-on-arbitrator:
  cmd.run:
    - name: echo "this node is configured as the Galera arbitrator (/etc/default/garb); it must not run mariadb" >&2; exit 1
    - unless:
      - "! grep -qs 'formula galera' /etc/default/garb"

# Installed without starting: the packages' own start would form a one-node cluster with the
# default configuration. mariadb-backup and socat carry the SST; mariadb-server does not pull them in.
galera-packages:
  pkg.installed:
    - pkgs:
      - mariadb-server
      - mariadb-client
      - mariadb-backup
      - galera-4
      - socat
    - no_start: true
    - refresh: {{pillar.galera.refresh_index}}
    - require:
      - cmd: galera-not-on-arbitrator

# Readable by the mysql group: mariadbd and the SST script read it as mysql. It holds the SST password.
galera-cnf:
  file.managed:
    - name: /etc/mysql/mariadb.conf.d/60-galera.cnf
    - source: galera/60-galera.cnf.mustache
    - mode: "0640"
    - user: root
    - group: mysql
    - require:
      - pkg: galera-packages

galera-status-script:
  file.managed:
    - name: /usr/local/sbin/galera-status
    - source: galera/galera-status.sh
    - template: none
    - mode: "0755"
    - user: root
    - group: root

# Where galera-status remembers the configuration the running server was started with.
galera-state-dir:
  file.directory:
    - name: /var/lib/jstate-galera
    - mode: "0700"
    - user: root
    - group: root

# Debian's init script gives up on a start after MYSQLD_STARTUP_TIMEOUT seconds (30), too short
# for a joiner that receives a full state transfer first.
galera-init-defaults:
  file.managed:
    - name: /etc/default/mysql
    - contents: |
        # Managed by jstate (formula galera): local edits are overwritten.
        MYSQLD_STARTUP_TIMEOUT={{pillar.galera.sync_timeout}}
    - mode: "0644"
    - user: root
    - group: root
