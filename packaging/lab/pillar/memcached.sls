# memcached on every controller: loopback and the management address (pillar.node.address).
memcached:
  port: 11211
  listen: 127.0.0.1
  listen_management: true
  memory_mb: 256
  max_connections: 4096
  # null: refresh apt's index only when it is stale or lacks the package.
  refresh_index: null
