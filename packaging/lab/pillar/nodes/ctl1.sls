# What ctl1 is within the cluster: its id, management address and VRRP priority.
node:
  id: ctl1
  address: 10.77.0.11
  priority: 150
