# The gate after the Galera stages: Primary, Synced, ready, connected, and every member there:
# the data nodes, and the arbitrator when there is one (garbd is a member too).
galera-health:
  wait.for:
    - command: /usr/local/sbin/galera-status healthy $(({{#pillar.galera.nodes}}{{#-last}}{{-index}}{{/-last}}{{/pillar.galera.nodes}} + 1{{#pillar.galera.arbitrator}} + 1{{/pillar.galera.arbitrator}}))
    - attempts: 30
    - interval: 2
    - probe_timeout: 10
