base:
  '*':
    - lab
    - cluster
    - galera
    - clustercheck
    - memcached
    - rabbitmq
    - openstack
    - keystone
    - haproxy
    - keepalived
    - pacemaker
  'ctl1':
    - nodes.ctl1
    - keepalived.ctl1
  'ctl2':
    - nodes.ctl2
    - keepalived.ctl2
  'ctl3':
    - nodes.ctl3
    - keepalived.ctl3
