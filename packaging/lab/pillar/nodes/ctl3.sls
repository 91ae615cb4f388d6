# What ctl3 is within the cluster: its id, management address and VRRP priority.
node:
  id: ctl3
  address: 10.77.0.13
  priority: 130
