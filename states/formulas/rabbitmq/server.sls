# The broker of this node: package, Erlang cookie, node name and listeners, service.
include:
  - hosts

# Installed without starting: the package's own start would create the node with a random
# Erlang cookie and Debian's defaults, and a node whose cookie differs cannot join the others.
rabbitmq-pkg:
  pkg.installed:
    - name: rabbitmq-server
    - no_start: true

# The same cookie on every node, readable by the broker's user only, before the first start.
rabbitmq-cookie:
  file.managed:
    - name: /var/lib/rabbitmq/.erlang.cookie
    - contents: "{{pillar.rabbitmq.cookie}}"
    - mode: "0400"
    - user: rabbitmq
    - group: rabbitmq
    - require:
      - pkg: rabbitmq-pkg

rabbitmq-env-conf:
  file.managed:
    - name: /etc/rabbitmq/rabbitmq-env.conf
    - source: rabbitmq/rabbitmq-env.conf.mustache
    - mode: "0644"
    - user: root
    - group: root
    - require:
      - pkg: rabbitmq-pkg

rabbitmq-conf:
  file.managed:
    - name: /etc/rabbitmq/rabbitmq.conf
    - source: rabbitmq/rabbitmq.conf.mustache
    - mode: "0644"
    - user: root
    - group: root
    - context:
        # Not empty exactly when cluster.nodes has a node that is neither first nor last, that
        # is with three nodes or more: then a majority can exist and pause_minority is right.
        three_or_more: "{{#pillar.cluster.nodes}}{{^-first}}{{^-last}}x{{/-last}}{{/-first}}{{/pillar.cluster.nodes}}"
    - require:
      - pkg: rabbitmq-pkg

# The node's state as RabbitMQ sees it (down, VM up with the app stopped, booting) and the repair
# for each: see rabbitmq-node.sh.
rabbitmq-node-script:
  file.managed:
    - name: /usr/local/sbin/rabbitmq-node
    - source: rabbitmq/rabbitmq-node.sh
    - template: none
    - mode: "0755"
    - user: root
    - group: root

# A new cookie, node name or listener takes effect only on a restart. A node that waits at boot
# for its peers is stopped at start_timeout, with the end of its log in the state's comment.
rabbitmq-service:
  service.running:
    - name: rabbitmq-server
    - enable: true
    - status: /usr/local/sbin/rabbitmq-node status
    - start: /usr/local/sbin/rabbitmq-node start
    - start_timeout: 300
    - log: /var/log/rabbitmq/rabbit@{{pillar.node.id}}.log
    - require:
      - file: rabbitmq-node-script
    - watch:
      - file: rabbitmq-cookie
      - file: rabbitmq-env-conf
      - file: rabbitmq-conf

rabbitmq-running:
  wait.for:
    - command: /usr/local/sbin/rabbitmq-node running
    - attempts: 60
    - interval: 2
    - probe_timeout: 30
    - require:
      - service: rabbitmq-service
