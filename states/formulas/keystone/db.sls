# Keystone's schema and its bootstrap (the admin user, project and role, the identity service and
# its endpoints at the VIP): cluster-wide, so run once, on one controller that runs Keystone (the
# orchestration's first Galera node); Galera replicates the rows. The admin password is enforced on
# every run: a token issued with it, whose catalog names the endpoints, is the proof that nothing
# is to be done.
{{#pillar.keystone.enabled}}
include:
  - keystone.token

keystone-db-sync:
  cmd.run:
    - name: keystone-manage db_sync
    - runas: keystone
    - unless:
      - keystone-manage db_sync --check

keystone-bootstrap:
  cmd.run:
    - name: keystone-manage bootstrap --bootstrap-username {{pillar.keystone.admin.user}} --bootstrap-project-name {{pillar.keystone.admin.project}} --bootstrap-role-name admin --bootstrap-service-name keystone --bootstrap-region-id {{pillar.keystone.region}} --bootstrap-admin-url http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3/ --bootstrap-internal-url http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3/ --bootstrap-public-url http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3/
    - runas: keystone
    - env:
        OS_BOOTSTRAP_PASSWORD: "{{pillar.keystone.admin.password}}"
        OS_USERNAME: "{{pillar.keystone.admin.user}}"
        OS_PROJECT_NAME: "{{pillar.keystone.admin.project}}"
        OS_PASSWORD: "{{pillar.keystone.admin.password}}"
    - unless:
      - /usr/local/sbin/keystone-token http://{{pillar.node.address}}:{{pillar.keystone.port}}/v3 --endpoint http://{{pillar.cluster.vip}}:{{pillar.keystone.port}}/v3/ --region {{pillar.keystone.region}}
    - require:
      - cmd: keystone-db-sync
      - file: keystone-token-script
{{/pillar.keystone.enabled}}
