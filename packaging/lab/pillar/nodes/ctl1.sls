# packaging/lab/pillar/nodes/ctl1.sls — one per node (chosen in top.sls by minion id)
node:
  id: ctl1
  address: 10.77.0.11
  priority: 150
