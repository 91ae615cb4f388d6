# This node in the cluster of every node of pillar cluster.nodes. The first node of that list is
# the one the others join; it names the cluster. A node that is already a member does nothing,
# so a re-run restarts no application.
include:
  - rabbitmq.server

rabbitmq-cluster-name:
  cmd.run:
    - name: rabbitmqctl -q set_cluster_name {{pillar.cluster.name}}
    - onlyif:
      - test "{{pillar.node.id}}" = "{{pillar.cluster.nodes.0.id}}"
    - unless:
      - rabbitmqctl -q cluster_status --formatter json | grep -q '"cluster_name":"{{pillar.cluster.name}}"'
    - require:
      - wait: rabbitmq-running

# Joining stops the app, joins (retried while the first node is still starting) and starts it
# again; the first node is its own cluster node and is in sync by definition.
rabbitmq-cluster-joined:
  rabbitmq_cluster.joined:
    - cluster_node: rabbit@{{pillar.cluster.nodes.0.id}}
    - node: rabbit@{{pillar.node.id}}
    - require:
      - wait: rabbitmq-running
      - cmd: rabbitmq-cluster-name
