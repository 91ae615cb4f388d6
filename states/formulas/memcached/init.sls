# memcached for the OpenStack control plane: listens on loopback and, when pillar
# memcached.listen_management is true, on the node's management address (pillar.node.address),
# where the other controllers' services reach it; UDP off (-U 0), enough connections for every
# API worker. The masterless quickstart has loopback only and leaves listen_management false.
memcached-pkg:
  pkg.installed:
    - name: memcached
    - refresh: {{pillar.memcached.refresh_index}}

memcached-conf:
  file.managed:
    - name: /etc/memcached.conf
    - source: memcached/memcached.conf.mustache
    - mode: "0644"
    - user: root
    - group: root
    - require:
      - pkg: memcached-pkg

memcached-service:
  service.running:
    - name: memcached
    - enable: true
    - watch:
      - file: memcached-conf

memcached-listening:
  wait.for:
    - tcp: 127.0.0.1:{{pillar.memcached.port}}
    - attempts: 20
    - interval: 1
    - require:
      - service: memcached-service
