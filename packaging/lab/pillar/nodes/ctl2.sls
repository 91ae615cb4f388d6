node:
  id: ctl2
  address: 10.77.0.12
  priority: 140
