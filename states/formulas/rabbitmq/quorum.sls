# Every quorum queue has a member on every node of pillar cluster.nodes (rabbitmq-quorum.sh):
# RabbitMQ 3.x never adds one by itself, so a node that replaced a lost one, or a node added to the
# cluster, would hold no replica. Run once, on one node, after every node joined (the
# orchestration's rabbitmq-users stage): one query reads every queue of the cluster, and a
# converged cluster changes nothing.
rabbitmq-quorum-script:
  file.managed:
    - name: /usr/local/sbin/rabbitmq-quorum
    - source: rabbitmq/rabbitmq-quorum.sh
    - template: none
    - mode: "0755"
    - user: root
    - group: root

rabbitmq-quorum-members:
  cmd.run:
    - name: /usr/local/sbin/rabbitmq-quorum grow{{#pillar.cluster.nodes}} rabbit@{{id}}{{/pillar.cluster.nodes}}
    - unless:
      - /usr/local/sbin/rabbitmq-quorum missing{{#pillar.cluster.nodes}} rabbit@{{id}}{{/pillar.cluster.nodes}}
    - require:
      - file: rabbitmq-quorum-script
