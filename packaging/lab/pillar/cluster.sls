# packaging/lab/pillar/cluster.sls — every controller
cluster:
  name: openstack-lab          # also the Galera / RabbitMQ / corosync cluster name
  interface: eth0              # management interface
  vip: 10.77.0.100
  vip_prefix: 24
  nodes:                       # ordered; same list on every node
    - {id: ctl1, address: 10.77.0.11, priority: 150}
    - {id: ctl2, address: 10.77.0.12, priority: 140}
    - {id: ctl3, address: 10.77.0.13, priority: 130}
