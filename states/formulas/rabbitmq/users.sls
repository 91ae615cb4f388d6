# What the OpenStack services use: the vhost, their user (password enforced on every run) and a
# queue policy; the default guest user goes. These are cluster-wide objects: after the join they
# are the same on every node, so the orchestration runs them once, on one node.

rabbitmq-vhost:
  rabbitmq_vhost.present:
    - name: {{pillar.rabbitmq.vhost}}

rabbitmq-user:
  rabbitmq_user.present:
    - name: {{pillar.rabbitmq.user.name}}
    - password: "{{pillar.rabbitmq.user.password}}"
    - tags: []
    - perms:
      - {{pillar.rabbitmq.vhost}}: [".*", ".*", ".*"]
    - require:
      - rabbitmq_vhost: rabbitmq-vhost

rabbitmq-guest-absent:
  rabbitmq_user.absent:
    - name: guest

# The OpenStack services' queues are quorum queues (rabbit_quorum_queue in their configs), which
# RabbitMQ replicates itself (rabbitmq.quorum gives each a member on every node). Classic mirrored
# queues are only for a cluster still on RabbitMQ < 4 whose services use classic queues (pillar
# rabbitmq.classic_mirroring: true): every queue on ha_params nodes, new mirrors synced
# automatically; reply and fanout queues are per-process and short-lived, so they are left out, as
# kolla-ansible does. RabbitMQ 4 removed mirroring (the policy has no effect there, and queues
# that relied on it keep one replica, silently): without the switch the policy goes.
{{#pillar.rabbitmq.classic_mirroring}}
rabbitmq-ha-policy:
  rabbitmq_policy.present:
    - name: ha-openstack
    - vhost: {{pillar.rabbitmq.vhost}}
    - pattern: '^(?!(amq\.)|(.*_fanout_)|(reply_)).*'
    - definition:
        ha-mode: exactly
        ha-params: {{pillar.rabbitmq.ha_params}}
        ha-sync-mode: automatic
    - apply_to: queues
    - require:
      - rabbitmq_vhost: rabbitmq-vhost
{{/pillar.rabbitmq.classic_mirroring}}
{{^pillar.rabbitmq.classic_mirroring}}
rabbitmq-ha-policy-absent:
  cmd.run:
    - name: rabbitmqctl clear_policy -p {{pillar.rabbitmq.vhost}} ha-openstack
    - onlyif:
      - rabbitmqctl list_policies -q -p {{pillar.rabbitmq.vhost}} | awk '$2 == "ha-openstack" { found = 1 } END { exit !found }'
    - require:
      - rabbitmq_vhost: rabbitmq-vhost
{{/pillar.rabbitmq.classic_mirroring}}
