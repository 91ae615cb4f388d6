# OpenStack databases and service settings (formula openstack). Passwords go into connection
# URLs: letters and digits only.
openstack:
  # MySQL users of the services (openstack.db): each gets ALL PRIVILEGES on its databases, from
  # '%' and 'localhost'. The order is the order the databases are created in.
  db_users:
    - name: keystone
      password: &keystone_db !secret "ksDbLab3c91f0a2"
      databases: [keystone]
    - name: glance
      password: &glance_db !secret "glDbLab84e2b7d1"
      databases: [glance]
    - name: neutron
      password: &neutron_db !secret "neDbLab6a0d3c95"
      databases: [neutron]
    - name: cinder
      password: &cinder_db !secret "ciDbLab1f7b9e40"
      databases: [cinder]
    - name: placement
      password: &placement_db !secret "plDbLab52c8a6e3"
      databases: [placement]
    - name: nova
      password: &nova_db !secret "noDbLab9d4e1b78"
      databases: [nova_api, nova, nova_cell0]
  # The same passwords by user, for the connection strings of openstack.config.
  db_passwords:
    keystone: *keystone_db
    glance: *glance_db
    neutron: *neutron_db
    cinder: *cinder_db
    placement: *placement_db
    nova: *nova_db
  # Client side of memcached (oslo.cache and keystonemiddleware): one dead server must not stall
  # an API, so sockets time out fast and a dead server is skipped for dead_retry seconds.
  cache:
    socket_timeout: 1
    dead_retry: 60
  spice:
    proxy_port: 6082
