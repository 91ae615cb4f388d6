# Gate for the orchestration: the cluster status as this node sees it lists every node of
# pillar cluster.nodes as running, no partition and no resource alarm.
rabbitmq-cluster-healthy:
  wait.for:
    - command: >-
        s=$(rabbitmqctl -q cluster_status --formatter json)
        && r=$(printf '%s' "$s" | grep -o '"running_nodes":\[[^]]*\]')
        {{#pillar.cluster.nodes}}
        && printf '%s' "$r" | grep -q '"rabbit@{{id}}"'
        {{/pillar.cluster.nodes}}
        && printf '%s' "$s" | grep -q '"partitions":{}'
        && printf '%s' "$s" | grep -q '"alarms":\[\]'
    - attempts: 30
    - interval: 2
    - timeout: 30
