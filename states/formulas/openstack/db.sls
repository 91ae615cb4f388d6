# The OpenStack services' databases, users and grants, from pillar openstack.db_users. Run on one
# Galera node (the orchestration's galera.first): Galera replicates them to the others. Each user
# exists for '%' (the services connect through HAProxy and the VIP, so from a controller's
# address) and for 'localhost'.
{{#pillar.openstack.db_users}}
{{#databases}}
openstack-db-{{.}}:
  mysql_database.present:
    - name: {{.}}
    - character_set: {{character_set}}

{{/databases}}
openstack-dbuser-{{name}}-any:
  mysql_user.present:
    - name: {{name}}
    - host: "%"
    - password: "{{password}}"

openstack-dbuser-{{name}}-localhost:
  mysql_user.present:
    - name: {{name}}
    - host: localhost
    - password: "{{password}}"

{{#databases}}
openstack-grant-{{.}}-{{name}}-any:
  mysql_grants.present:
    - grant: ALL PRIVILEGES
    - database: "{{.}}.*"
    - user: {{name}}
    - host: "%"
    - require:
      - mysql_database: openstack-db-{{.}}
      - mysql_user: openstack-dbuser-{{name}}-any

openstack-grant-{{.}}-{{name}}-localhost:
  mysql_grants.present:
    - grant: ALL PRIVILEGES
    - database: "{{.}}.*"
    - user: {{name}}
    - host: localhost
    - require:
      - mysql_database: openstack-db-{{.}}
      - mysql_user: openstack-dbuser-{{name}}-localhost

{{/databases}}
{{/pillar.openstack.db_users}}
