# What ctl3 is within the cluster: its id, management address and VRRP priority.
node:
  id: ctl3
  address: 10.77.0.13
  priority: 130
  # Its part in Galera: "data" (a MariaDB Galera node) or "arbitrator" (garbd only; the 2 + garbd
  # layout). The master's nodegroups galera and garbd target by it.
  galera: data
