# The gate after Keystone on every controller: this node's Keystone answers on its own address,
# and the VIP serves Keystone from here (HAProxy has a Keystone server UP).
{{#pillar.keystone.enabled}}
keystone-node-answers:
  wait.for:
    - http: http://{{pillar.node.address}}:{{pillar.keystone.port}}/v3
    - attempts: 60
    - interval: 1

keystone-vip-answers:
  wait.for:
    - http: http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3
    - attempts: 30
    - interval: 1
    - require:
      - wait: keystone-node-answers
{{/pillar.keystone.enabled}}
