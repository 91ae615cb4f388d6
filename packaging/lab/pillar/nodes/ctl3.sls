# packaging/lab/pillar/nodes/ctl3.sls — one per node (chosen in top.sls by minion id)
node:
  id: ctl3
  address: 10.77.0.13
  priority: 130
