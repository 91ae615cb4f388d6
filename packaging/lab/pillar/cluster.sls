# The controllers of the lab, the same on every node: the cluster's name (also the Galera,
# RabbitMQ and corosync cluster name), the management interface, the VIP and the ordered nodes.
cluster:
  name: openstack-lab
  interface: eth0
  vip: 10.77.0.100
  vip_prefix: 24
  nodes:
    - {id: ctl1, address: 10.77.0.11, priority: 150}
    - {id: ctl2, address: 10.77.0.12, priority: 140}
    - {id: ctl3, address: 10.77.0.13, priority: 130}
