# Keystone on a controller, Debian's way: the keystone package serves keystone-wsgi-public with
# uwsgi, started by its init script (/etc/init.d/keystone, /etc/keystone/keystone-uwsgi.ini).
# Every controller has the same keystone.conf and the same Fernet and credential keys (pillar
# keystone), so a token issued by one is valid on the others and HAProxy can send each request
# anywhere. The database schema and the admin user are keystone.db's, run once on one node.
#
# keystone.conf is written after the package, which is installed without starting Keystone: the
# package's own configuration would serve an empty SQLite database.
#
# With pillar keystone.enabled false, this formula, keystone.db and keystone.health hold no state:
# a backend whose Keystone runs elsewhere (HAProxy has no keystone section then either).
{{#pillar.keystone.enabled}}
include:
  - keystone.token

# The pillar's Fernet keys need the staged key (index 0) and a primary: with fewer, no token could
# be issued, and keystone-fernet-keys-only would remove the node's keys. Refused before any key
# file is touched.
keystone-fernet-keys-valid:
  cmd.run:
    - name: 'echo "pillar keystone.fernet_keys lists index(es) [{{#pillar.keystone.fernet_keys}} {{index}}{{/pillar.keystone.fernet_keys}} ]; it needs index 0 (the staged key) and at least one more (the primary): keystone-keys new makes a set" >&2; exit 1'
    - unless:
      - set --{{#pillar.keystone.fernet_keys}} {{index}}{{/pillar.keystone.fernet_keys}}; [ "$#" -ge 2 ] && for i in "$@"; do [ "$i" = 0 ] && exit 0; done; exit 1

keystone-default:
  file.managed:
    - name: /etc/default/keystone
    - source: keystone/keystone.default.mustache
    - mode: "0644"
    - user: root
    - group: root

keystone-pkg:
  pkg.installed:
    - pkgs:
      - keystone
      - python3-openstackclient
    - no_start: true

keystone-conf:
  ini.options_present:
    - name: /etc/keystone/keystone.conf
    - mode: "0640"
    - sections:
        DEFAULT:
          transport_url: "{{> openstack/transport-url.mustache}}"
        database:
          connection: "mysql+pymysql://keystone:{{pillar.openstack.db_passwords.keystone}}@{{pillar.cluster.vip}}/keystone"
        cache:
          enabled: true
          backend: oslo_cache.memcache_pool
          memcache_servers: "{{> openstack/memcached-servers.mustache}}"
          memcache_socket_timeout: {{pillar.openstack.cache.socket_timeout}}
          memcache_dead_retry: {{pillar.openstack.cache.dead_retry}}
        token:
          provider: fernet
        fernet_tokens:
          key_repository: /etc/keystone/fernet-keys/
          max_active_keys: {{pillar.keystone.max_active_keys}}
        credential:
          key_repository: /etc/keystone/credential-keys/
        oslo_messaging_rabbit:
          amqp_durable_queues: true
          rabbit_quorum_queue: true
          kombu_failover_strategy: round-robin
          rabbit_retry_interval: 1
          rabbit_retry_backoff: 2
          rabbit_interval_max: 10
          heartbeat_timeout_threshold: 60
    - require:
      - pkg: keystone-pkg

# The keys: exactly the pillar's, files named by index, readable by keystone only. Keystone reads
# its key repository at each token operation, so new keys need no restart.
keystone-fernet-dir:
  file.directory:
    - name: /etc/keystone/fernet-keys
    - user: keystone
    - group: keystone
    - mode: "0700"
    - require:
      - pkg: keystone-pkg

keystone-credential-dir:
  file.directory:
    - name: /etc/keystone/credential-keys
    - user: keystone
    - group: keystone
    - mode: "0700"
    - require:
      - pkg: keystone-pkg
{{#pillar.keystone.fernet_keys}}

keystone-fernet-key-{{index}}:
  file.managed:
    - name: /etc/keystone/fernet-keys/{{index}}
    - contents: "{{key}}"
    - user: keystone
    - group: keystone
    - mode: "0600"
    - require:
      - file: keystone-fernet-dir
      - cmd: keystone-fernet-keys-valid
{{/pillar.keystone.fernet_keys}}
{{#pillar.keystone.credential_keys}}

keystone-credential-key-{{index}}:
  file.managed:
    - name: /etc/keystone/credential-keys/{{index}}
    - contents: "{{key}}"
    - user: keystone
    - group: keystone
    - mode: "0600"
    - require:
      - file: keystone-credential-dir
{{/pillar.keystone.credential_keys}}

# A key no longer in the pillar goes (the oldest, after a rotation).
keystone-fernet-keys-only:
  cmd.run:
    - name: find /etc/keystone/fernet-keys -mindepth 1 -maxdepth 1{{#pillar.keystone.fernet_keys}} ! -name {{index}}{{/pillar.keystone.fernet_keys}} -print -delete
    - unless:
      - test -z "$(find /etc/keystone/fernet-keys -mindepth 1 -maxdepth 1{{#pillar.keystone.fernet_keys}} ! -name {{index}}{{/pillar.keystone.fernet_keys}})"
    - require:
      - file: keystone-fernet-dir
      - cmd: keystone-fernet-keys-valid

keystone-credential-keys-only:
  cmd.run:
    - name: find /etc/keystone/credential-keys -mindepth 1 -maxdepth 1{{#pillar.keystone.credential_keys}} ! -name {{index}}{{/pillar.keystone.credential_keys}} -print -delete
    - unless:
      - test -z "$(find /etc/keystone/credential-keys -mindepth 1 -maxdepth 1{{#pillar.keystone.credential_keys}} ! -name {{index}}{{/pillar.keystone.credential_keys}})"
    - require:
      - file: keystone-credential-dir

# The admin's credentials for the openstack client, through the VIP (`. /root/admin-openrc`).
keystone-admin-openrc:
  file.managed:
    - name: /root/admin-openrc
    - source: keystone/admin-openrc.mustache
    - mode: "0600"
    - user: root
    - group: root

keystone-service:
  service.running:
    - name: keystone
    - enable: true
    - log: /var/log/keystone/keystone.log
    - require:
      - ini: keystone-conf
      - file: keystone-default
      - cmd: keystone-fernet-keys-only
      - cmd: keystone-credential-keys-only

# The running Keystone has read the configuration on disk: restarted when it started before
# keystone.conf or /etc/default/keystone last changed. A watch would restart it only in the run
# that made the change; this also catches a change whose run stopped before the restart.
keystone-conf-loaded:
  cmd.run:
    - name: /etc/init.d/keystone restart
    - unless:
      - p=$(cat /run/keystone/keystone.pid) && e=$(ps -o etimes= -p "$p") && s=$(( $(date +%s) - e )) && [ "$s" -ge "$(stat -c %Y /etc/keystone/keystone.conf)" ] && [ "$s" -ge "$(stat -c %Y /etc/default/keystone)" ]
    - require:
      - service: keystone-service

keystone-listening:
  wait.for:
    - http: http://{{pillar.node.address}}:{{pillar.keystone.port}}/v3
    - attempts: 60
    - interval: 1
    - require:
      - cmd: keystone-conf-loaded
{{/pillar.keystone.enabled}}
