# Gate for the orchestration: memcached answers on the management address, where every
# controller's services reach it (init.sls only waits for loopback, which the quickstart has).
memcached-listening-management:
  wait.for:
    - tcp: {{pillar.node.address}}:{{pillar.memcached.port}}
    - attempts: 20
    - interval: 1
