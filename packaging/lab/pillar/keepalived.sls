# Keepalived holding cluster.vip (formula keepalived). Priorities come from node.priority.
keepalived:
  instance: VI_GALERA
  virtual_router_id: 51     # unique among the VRRP routers of the network
  auth_pass: !secret kLb7xq2W   # VRRP PASS authentication uses at most 8 characters
  check:
    interval: 2
    timeout: 3
    fall: 2
    rise: 2
  # Unicast adverts (multicast may not cross every bridge); the peers are per node, in
  # keepalived/<node>.sls. false: multicast, and no peers are needed.
  unicast: true
