node:
  id: ctl3
  address: 10.77.0.13
  priority: 130
