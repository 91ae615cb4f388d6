# Gate: every node of pillar.cluster.nodes is a member of the cluster and the partition is quorate.
pacemaker-members:
  wait.for:
    - command: "{{#pillar.cluster.nodes}}crm_node --list | grep -Eq '^[0-9]+ {{id}} member$' && {{/pillar.cluster.nodes}}crm_node --quorum | grep -qx 1"
    - attempts: 60
    - interval: 2
