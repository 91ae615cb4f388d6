# haproxy installed and configured, not started: the Keepalived layout starts it (haproxy), the
# Pacemaker layout leaves starting it to Pacemaker (pacemaker.resources).
haproxy-pkg:
  pkg.installed:
    - name: haproxy
    # The packaged configuration is not ours; haproxy starts once haproxy.cfg is.
    - no_start: true

haproxy-conf:
  file.managed:
    - name: /etc/haproxy/haproxy.cfg
    - source: haproxy/haproxy.cfg.mustache
    - mode: "0644"
    - user: root
    - group: root
    - require:
      - pkg: haproxy-pkg
