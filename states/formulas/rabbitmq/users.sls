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

# Classic mirrored queues (RabbitMQ 3.10): every queue on ha_params nodes, new mirrors synced
# automatically. Reply and fanout queues are per-process and short-lived: mirroring them only
# costs, so they are left out, as kolla-ansible does.
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
