# This node in the cluster of every node of pillar cluster.nodes. The first node of that list is
# the one the others join; it names the cluster. A node that is already a member does nothing,
# so a re-run restarts no application. It runs after rabbitmq.server has the broker running on
# every node (the orchestration's stage before, or `rabbitmq`, which includes both in order): it
# does not include it, so a rolling join (batch 1) does not check every broker again on the way.

rabbitmq-cluster-name:
  cmd.run:
    - name: rabbitmqctl -q set_cluster_name {{pillar.cluster.name}}
    - onlyif:
      - test "{{pillar.node.id}}" = "{{pillar.cluster.nodes.0.id}}"
    - unless:
      - rabbitmqctl -q cluster_status --formatter json | grep -q '"cluster_name":"{{pillar.cluster.name}}"'

# Joining stops the app, joins (retried while the first node is still starting) and starts it
# again; the first node is its own cluster node and is in sync by definition.
rabbitmq-cluster-joined:
  rabbitmq_cluster.joined:
    - cluster_node: rabbit@{{pillar.cluster.nodes.0.id}}
    - node: rabbit@{{pillar.node.id}}
    - require:
      - cmd: rabbitmq-cluster-name
