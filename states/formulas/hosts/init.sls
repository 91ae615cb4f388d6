# Every cluster node's name resolves to its management address on every node. RabbitMQ node names
# (rabbit@<id>), Galera node names and the clients' transport_url use these names, and Debian maps
# a host's own name to 127.0.1.1, which host.present replaces. The node ids of pillar
# cluster.nodes are the hosts' short names.
{{#pillar.cluster.nodes}}
hosts-{{id}}:
  host.present:
    - ip: {{address}}
    - names: [{{id}}]

{{/pillar.cluster.nodes}}
# Keepalived's VIP and services bound to it must be able to bind an address this node does not
# hold yet.
hosts-ip-nonlocal-bind:
  sysctl.present:
    - name: net.ipv4.ip_nonlocal_bind
    - value: "1"
