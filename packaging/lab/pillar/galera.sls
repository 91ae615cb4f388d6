# Galera on the controllers. 'nodes' are the data nodes, in cluster order: cluster.nodes without
# the arbitrator (templates cannot compute a difference of lists, so the list is written out).
# 'arbitrator' is the id of a node that runs garbd only, "" when every node holds data; the
# 2 + garbd variant is variants/galera-garbd.sls.
galera:
  arbitrator: ""
  nodes:
    - {id: ctl1, address: 10.77.0.11}
    - {id: ctl2, address: 10.77.0.12}
    - {id: ctl3, address: 10.77.0.13}
  refresh_index: true
  gcache_size: 256M
  # Seconds a joiner may take to become Synced (an SST copies the whole data directory).
  sync_timeout: 600
  sst_user: mariabackup
  sst_password: !secret lab-sst-Kq7vW2rT
  monitor_user: clustercheck
  monitor_password: !secret lab-check-Zp4nX8sL
