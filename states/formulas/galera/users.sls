# Cluster-wide accounts, created on one node (pillar.orch.galera.first) and replicated by Galera;
# their passwords are enforced on every run.

# mariabackup's SST runs on the donor and connects over its local socket.
galera-sst-user:
  mysql_user.present:
    - name: {{pillar.galera.sst_user}}
    - host: localhost
    - password: '{{pillar.galera.sst_password}}'

galera-sst-grants:
  mysql_grants.present:
    - grant: RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR
    - database: '*.*'
    - user: {{pillar.galera.sst_user}}
    - host: localhost
    - require:
      - mysql_user: galera-sst-user

# clustercheck reads wsrep_local_state through the local socket.
galera-monitor-user:
  mysql_user.present:
    - name: {{pillar.galera.monitor_user}}
    - host: localhost
    - password: '{{pillar.galera.monitor_password}}'

galera-monitor-grants:
  mysql_grants.present:
    - grant: USAGE, PROCESS
    - database: '*.*'
    - user: {{pillar.galera.monitor_user}}
    - host: localhost
    - require:
      - mysql_user: galera-monitor-user
