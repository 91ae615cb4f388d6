# Keepalived holds the VIP on one controller whose haproxy answers; haproxy (formula haproxy)
# runs on all of them. state BACKUP everywhere plus nopreempt: the VIP stays where it is when a
# node with a higher priority comes back, so a recovered node does not cause a second failover.
keepalived-pkg:
  pkg.installed:
    - name: keepalived
    # The package must not start keepalived before keepalived.conf is ours.
    - no_start: true

keepalived-check-haproxy:
  file.managed:
    - name: /etc/keepalived/check_haproxy
    - source: keepalived/check_haproxy
    - template: none
    # Root-owned and not writable by others: keepalived's script security refuses anything else.
    - mode: "0755"
    - user: root
    - group: root
    - require:
      - pkg: keepalived-pkg

# Mode 0640: the file holds the VRRP password.
keepalived-conf:
  file.managed:
    - name: /etc/keepalived/keepalived.conf
    - source: keepalived/keepalived.conf.mustache
    - mode: "0640"
    - user: root
    - group: root
    - require:
      - pkg: keepalived-pkg
      - file: keepalived-check-haproxy

# Reload on change (SIGHUP through the init script's reload): keepalived 2.x reads the whole file
# again and keeps each VRRP instance's state, so the holder keeps the VIP while every controller
# applies a new peer list at once. A restart there stopped every keepalived at the same time and
# the VIP was held by nobody for 14 s (a new controller added to the pillar); a restart of the
# holder alone is a failover. A keepalived that does not run is started.
keepalived-service:
  service.running:
    - name: keepalived
    - enable: true
    - reload: true
    - watch:
      - file: keepalived-conf
