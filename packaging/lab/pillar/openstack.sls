# OpenStack databases and service settings (formula openstack). Passwords go into connection
# URLs: letters and digits only.
openstack:
  # MySQL users of the services (openstack.db): each gets ALL PRIVILEGES on its databases, from
  # '%' and 'localhost', and the databases' default character set. The order is the order the
  # databases are created in.
  db_users:
    - name: keystone
      password: &keystone_db !secret "ksDbLab3c91f0a2"
      databases: [keystone]
      # Keystone's first migration sets its database's default to utf8 (utf8mb3) itself: the
      # same here, or every run after db_sync would set it back.
      character_set: utf8mb3
    - name: glance
      password: &glance_db !secret "glDbLab84e2b7d1"
      databases: [glance]
      character_set: utf8mb4
    - name: neutron
      password: &neutron_db !secret "neDbLab6a0d3c95"
      databases: [neutron]
      character_set: utf8mb4
    - name: cinder
      password: &cinder_db !secret "ciDbLab1f7b9e40"
      databases: [cinder]
      character_set: utf8mb4
    - name: placement
      password: &placement_db !secret "plDbLab52c8a6e3"
      databases: [placement]
      character_set: utf8mb4
    - name: nova
      password: &nova_db !secret "noDbLab9d4e1b78"
      databases: [nova_api, nova, nova_cell0]
      character_set: utf8mb4
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
