# The 2 + garbd variant of galera.sls: ctl1 and ctl2 hold data, ctl3 runs the arbitrator only.
# Use it instead of galera.sls in top.sls; the orchestration then applies galera.garbd to ctl3
# and the data-node stages to the others.
galera:
  arbitrator: ctl3
  nodes:
    - {id: ctl1, address: 10.77.0.11}
    - {id: ctl2, address: 10.77.0.12}
  refresh_index: true
  gcache_size: 256M
  sync_timeout: 600
  sst_user: mariabackup
  sst_password: !secret lab-sst-Kq7vW2rT
  monitor_user: clustercheck
  monitor_password: !secret lab-check-Zp4nX8sL
