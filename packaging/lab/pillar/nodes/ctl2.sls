# What ctl2 is within the cluster: its id, management address and VRRP priority.
node:
  id: ctl2
  address: 10.77.0.12
  priority: 140
