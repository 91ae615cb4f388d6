# packaging/lab/pillar/nodes/ctl2.sls — one per node (chosen in top.sls by minion id)
node:
  id: ctl2
  address: 10.77.0.12
  priority: 140
