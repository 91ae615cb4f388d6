# RabbitMQ on every controller (formula rabbitmq). Node names are rabbit@<node id>.
rabbitmq:
  # The Erlang cookie, identical on every node: letters and digits, 20 or more.
  cookie: !secret "LABCOOKIE7f3a9c2e41d8b6"
  port: 5672
  vhost: openstack
  # The OpenStack services' user; its password goes into transport_url: letters and digits only.
  user:
    name: openstack
    password: !secret "rmqLab5b8e2d17c4"
  # Classic queue mirroring, for RabbitMQ < 4 with services on classic queues only: the services
  # here use quorum queues. true sets the ha-openstack policy, ha_params nodes per queue.
  classic_mirroring: false
  ha_params: 2
