# A RabbitMQ node in a highstate (top.sls): the broker and its place in the cluster, as the
# orchestration's rabbitmq stages make them, but never a new cluster. A highstate runs on each node
# alone: a node whose broker is down (or was never started) starts and joins when another node of
# the cluster runs, and otherwise fails, saying that the orchestration must run (after a full stop
# every node must start at once, and a first deploy forms the cluster in order).
include:
  - rabbitmq.server
  - rabbitmq.cluster

rabbitmq-cluster-runs:
  cmd.run:
    - name: echo "no RabbitMQ node of cluster {{pillar.cluster.name}} runs; a highstate does not start a cluster on its own node; run jstate orchestrate openstack-ha" >&2; exit 1
    - unless:
      - /usr/local/sbin/rabbitmq-node status >/dev/null{{#pillar.cluster.nodes}} || timeout 3 bash -c '</dev/tcp/{{address}}/5672' 2>/dev/null{{/pillar.cluster.nodes}}
    - require:
      - file: rabbitmq-node-script
    - require_in:
      - service: rabbitmq-service
      - cmd: rabbitmq-cluster-name
