# The highstate of the bundled tree (`jstate apply highstate`): what each node of the OpenStack HA
# backend runs to stay as the openstack-ha orchestration left it. Controllers by their role grain;
# their part in Galera (a data node, or the arbitrator of the 2 + garbd layout) by pillar
# node:galera, as the master's nodegroups galera and garbd do.
#
# A highstate is per node and cannot coordinate a cluster: galera.node and rabbitmq.node join a
# running cluster, and fail with "run jstate orchestrate openstack-ha" when none runs. The
# cluster-wide objects (database users, RabbitMQ vhost and user, the OpenStack databases) are the
# orchestration's, set once on one node.
base:
  'G@roles:controller and I@node:galera:data':
    - hosts
    - galera.node
    - clustercheck
  'G@roles:controller and I@node:galera:arbitrator':
    - hosts
    - galera.garbd
  'G@roles:controller':
    - hosts
    - haproxy
    - keepalived
    - rabbitmq.node
    - memcached
    - openstack.config
    - keystone
