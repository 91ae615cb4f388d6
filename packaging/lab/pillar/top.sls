base:
  '*':
    - lab
    - cluster
    - galera
    - clustercheck
  'ctl1':
    - nodes.ctl1
  'ctl2':
    - nodes.ctl2
  'ctl3':
    - nodes.ctl3
