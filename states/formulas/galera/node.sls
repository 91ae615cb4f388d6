# A Galera data node in a highstate (top.sls): what the orchestration's galera-join stage runs, but
# never the start of a new cluster. A highstate runs on each node alone and cannot coordinate the
# cluster: a node whose mariadbd is down joins when another node of the cluster runs, and otherwise
# fails, saying that the orchestration must decide (new cluster, or recovery from the most
# advanced node).
include:
  - galera.service

galera-cluster-runs:
  cmd.run:
    - name: echo "no Galera node of cluster {{pillar.cluster.name}} runs; a highstate does not start or recover a cluster on its own node; run jstate orchestrate openstack-ha" >&2; exit 1
    - unless:
      - /usr/local/sbin/galera-status running{{#pillar.cluster.nodes}} || timeout 3 bash -c '</dev/tcp/{{address}}/4567' 2>/dev/null{{/pillar.cluster.nodes}}
    - require:
      - file: galera-status-script
    - require_in:
      - cmd: galera-restart-for-config
      - service: galera-service
