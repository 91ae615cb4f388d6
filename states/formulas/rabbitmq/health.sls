# Gate for the orchestration: the cluster status as this node sees it lists every node of
# pillar cluster.nodes as running, no partition and no resource alarm.
rabbitmq-cluster-healthy:
  wait.for:
    # One cluster_status can come back incomplete while the CLI's own node connects under load;
    # the check asks up to three times, a second apart, before it calls the cluster unhealthy.
    - command: >-
        for try in 1 2 3; do
        s=$(rabbitmqctl -q cluster_status --formatter json)
        && r=$(printf '%s' "$s" | grep -o '"running_nodes":\[[^]]*\]')
        {{#pillar.cluster.nodes}}
        && printf '%s' "$r" | grep -q '"rabbit@{{id}}"'
        {{/pillar.cluster.nodes}}
        && printf '%s' "$s" | grep -q '"partitions":{}'
        && printf '%s' "$s" | grep -q '"alarms":\[\]'
        && exit 0; sleep 1; done; exit 1
    - attempts: 30
    - interval: 2
    - probe_timeout: 30
