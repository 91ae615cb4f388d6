# Gate: the Galera clone is promoted on every node, and the VIP runs somewhere.
pacemaker-galera-promoted:
  wait.for:
    - command: "{{#pillar.cluster.nodes}}crm_resource --locate --resource galera-clone | grep -Eq 'running on: {{id}} (Promoted|Master)$' && {{/pillar.cluster.nodes}}crm_resource --locate --resource vip | grep -q 'running on:'"
    - attempts: 150
    - interval: 2
