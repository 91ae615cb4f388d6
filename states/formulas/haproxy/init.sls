# haproxy in front of Galera on every controller (listen galera on the VIP; see haproxy.cfg.mustache).
include:
  - haproxy.config

# A changed haproxy.cfg is reloaded, not restarted: the init script and the systemd unit both check
# the new file first and keep the running haproxy when it is bad, and a reload keeps the
# connections that are open (a restart would cut every OpenStack service's database sessions).
haproxy-service:
  service.running:
    - name: haproxy
    - enable: true
    - reload: true
    - watch:
      - file: haproxy-conf
