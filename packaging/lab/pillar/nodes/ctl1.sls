node:
  id: ctl1
  address: 10.77.0.11
  priority: 150
