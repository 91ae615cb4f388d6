# RabbitMQ on every controller, clustered: the broker (server), the cluster (cluster) and the
# OpenStack vhost, user and queue policy (users). Apply rabbitmq.server to every node at once
# and then this SLS one node at a time (batch 1): after a full outage each node waits at boot for
# the node that stopped last, so starting them one by one could wait on a node not yet started.
include:
  - rabbitmq.server
  - rabbitmq.cluster
  - rabbitmq.users
