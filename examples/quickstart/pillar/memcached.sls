memcached:
  port: 11211
  listen: 127.0.0.1
  # The quickstart's sandbox has loopback only: no management address to listen on.
  listen_management: false
  memory_mb: 128
  max_connections: 4096
  # The quickstart runs in a sandbox without network, from packages fetched beforehand.
  refresh_index: false
