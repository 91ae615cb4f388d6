# OpenStack service settings on every controller (Keystone's are formula keystone's). Only the
# keys below are edited in each file (ini.options_present); everything else a packaged file holds
# stays as it is. The services
# themselves are not installed here: the directories are made so the settings can be laid down
# before the packages come. The files hold passwords, so they are 0640 (group stays as the
# package sets it on an existing file).
#
# Every service reaches the databases through the VIP, RabbitMQ through every node (never the
# VIP: the client fails over between nodes itself) and memcached through the same ordered list of
# every controller, so a key cached by one API is found by the others. Their queues are quorum
# queues (rabbit_quorum_queue; durable, so amqp_durable_queues), replicated by RabbitMQ itself:
# classic mirroring is gone from RabbitMQ 4 (pillar rabbitmq.classic_mirroring).
openstack-dir-glance:
  file.directory:
    - name: /etc/glance

openstack-dir-nova:
  file.directory:
    - name: /etc/nova

openstack-dir-neutron:
  file.directory:
    - name: /etc/neutron

openstack-dir-cinder:
  file.directory:
    - name: /etc/cinder

openstack-dir-placement:
  file.directory:
    - name: /etc/placement

openstack-dir-swift:
  file.directory:
    - name: /etc/swift

openstack-glance-api-conf:
  ini.options_present:
    - name: /etc/glance/glance-api.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          transport_url: "{{> openstack/transport-url.mustache}}"
        database:
          connection: "mysql+pymysql://glance:{{pillar.openstack.db_passwords.glance}}@{{pillar.cluster.vip}}/glance"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        keystone_authtoken:
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
        oslo_messaging_rabbit:
          amqp_durable_queues: true
          rabbit_quorum_queue: true
          kombu_failover_strategy: round-robin
          rabbit_retry_interval: 1
          rabbit_retry_backoff: 2
          rabbit_interval_max: 10
          heartbeat_timeout_threshold: 60
    - require:
      - file: openstack-dir-glance

openstack-nova-conf:
  ini.options_present:
    - name: /etc/nova/nova.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          my_ip: {{pillar.node.address}}
          transport_url: "{{> openstack/transport-url.mustache}}"
        api_database:
          connection: "mysql+pymysql://nova:{{pillar.openstack.db_passwords.nova}}@{{pillar.cluster.vip}}/nova_api"
        database:
          connection: "mysql+pymysql://nova:{{pillar.openstack.db_passwords.nova}}@{{pillar.cluster.vip}}/nova"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        keystone_authtoken:
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
        oslo_messaging_rabbit:
          amqp_durable_queues: true
          rabbit_quorum_queue: true
          kombu_failover_strategy: round-robin
          rabbit_retry_interval: 1
          rabbit_retry_backoff: 2
          rabbit_interval_max: 10
          heartbeat_timeout_threshold: 60
        # SPICE consoles instead of VNC: the browser reaches the html5 proxy through the VIP, the
        # proxy reaches each compute's console on that node's management address.
        vnc:
          enabled: false
        spice:
          enabled: true
          agent_enabled: true
          html5proxy_host: {{pillar.node.address}}
          html5proxy_port: {{pillar.openstack.spice.proxy_port}}
          html5proxy_base_url: "http://{{pillar.cluster.vip}}:{{pillar.openstack.spice.proxy_port}}/spice_auto.html"
          server_listen: {{pillar.node.address}}
          server_proxyclient_address: {{pillar.node.address}}
    - require:
      - file: openstack-dir-nova

openstack-neutron-conf:
  ini.options_present:
    - name: /etc/neutron/neutron.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          transport_url: "{{> openstack/transport-url.mustache}}"
        database:
          connection: "mysql+pymysql://neutron:{{pillar.openstack.db_passwords.neutron}}@{{pillar.cluster.vip}}/neutron"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        keystone_authtoken:
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
        oslo_messaging_rabbit:
          amqp_durable_queues: true
          rabbit_quorum_queue: true
          kombu_failover_strategy: round-robin
          rabbit_retry_interval: 1
          rabbit_retry_backoff: 2
          rabbit_interval_max: 10
          heartbeat_timeout_threshold: 60
    - require:
      - file: openstack-dir-neutron

openstack-cinder-conf:
  ini.options_present:
    - name: /etc/cinder/cinder.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          my_ip: {{pillar.node.address}}
          transport_url: "{{> openstack/transport-url.mustache}}"
        database:
          connection: "mysql+pymysql://cinder:{{pillar.openstack.db_passwords.cinder}}@{{pillar.cluster.vip}}/cinder"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        keystone_authtoken:
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
        oslo_messaging_rabbit:
          amqp_durable_queues: true
          rabbit_quorum_queue: true
          kombu_failover_strategy: round-robin
          rabbit_retry_interval: 1
          rabbit_retry_backoff: 2
          rabbit_interval_max: 10
          heartbeat_timeout_threshold: 60
    - require:
      - file: openstack-dir-cinder

# Placement does not use the message bus: no transport_url.
openstack-placement-conf:
  ini.options_present:
    - name: /etc/placement/placement.conf
    - mode: "0640"
    - sections:
        placement_database:
          connection: "mysql+pymysql://placement:{{pillar.openstack.db_passwords.placement}}@{{pillar.cluster.vip}}/placement"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        keystone_authtoken:
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
    - require:
      - file: openstack-dir-placement

# Swift's proxy with the S3 API. s3api turns an S3 request into a Swift one, and s3token has
# Keystone check its EC2-style signature, so both sit after authtoken (which then lets the
# token-less S3 request through: delay_auth_decision) and before keystoneauth, which authorizes
# the result. Every filter of the pipeline is defined here, so the file stands on its own.
openstack-swift-proxy-conf:
  ini.options_present:
    - name: /etc/swift/proxy-server.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          bind_ip: {{pillar.node.address}}
          bind_port: 8080
        "pipeline:main":
          pipeline: catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk ratelimit authtoken s3api s3token keystoneauth copy slo dlo proxy-logging proxy-server
        "app:proxy-server":
          use: "egg:swift#proxy"
          account_autocreate: true
        "filter:catch_errors":
          use: "egg:swift#catch_errors"
        "filter:gatekeeper":
          use: "egg:swift#gatekeeper"
        "filter:healthcheck":
          use: "egg:swift#healthcheck"
        "filter:proxy-logging":
          use: "egg:swift#proxy_logging"
        "filter:cache":
          use: "egg:swift#memcache"
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
        "filter:listing_formats":
          use: "egg:swift#listing_formats"
        "filter:bulk":
          use: "egg:swift#bulk"
        "filter:ratelimit":
          use: "egg:swift#ratelimit"
        "filter:authtoken":
          paste.filter_factory: "keystonemiddleware.auth_token:filter_factory"
          www_authenticate_uri: "http://{{pillar.cluster.vip}}:5000"
          auth_url: "http://{{pillar.cluster.vip}}:5000"
          memcached_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_pool_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_pool_dead_retry: {{pillar.openstack.cache.dead_retry}}
          delay_auth_decision: true
        "filter:s3api":
          use: "egg:swift#s3api"
        "filter:s3token":
          use: "egg:swift#s3token"
          auth_uri: "http://{{pillar.cluster.vip}}:5000/v3"
        "filter:keystoneauth":
          use: "egg:swift#keystoneauth"
          operator_roles: "admin,member"
        "filter:copy":
          use: "egg:swift#copy"
        "filter:slo":
          use: "egg:swift#slo"
        "filter:dlo":
          use: "egg:swift#dlo"
    - require:
      - file: openstack-dir-swift
