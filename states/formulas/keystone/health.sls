# The gate after Keystone on every controller: the VIP serves Keystone from here (HAProxy has a
# Keystone server UP). That this node's own Keystone answers is keystone's keystone-listening.
{{#pillar.keystone.enabled}}
keystone-vip-answers:
  wait.for:
    - http: http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3
    - attempts: 30
    - interval: 1
{{/pillar.keystone.enabled}}
