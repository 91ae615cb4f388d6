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

# Restart on change: the Debian init script's reload only re-reads some settings, and a VRRP
# change (router id, peers, address) needs a fresh start. nopreempt keeps the VIP where it is
# meanwhile unless this node held it.
keepalived-service:
  service.running:
    - name: keepalived
    - enable: true
    - watch:
      - file: keepalived-conf
