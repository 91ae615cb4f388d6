# Without systemd: socat listens, forks and runs the responder per connection, kept by an init script.
clustercheck-init-script:
  file.managed:
    - name: /etc/init.d/clustercheck
    - source: clustercheck/clustercheck.init
    - template: none
    - mode: "0755"
    - user: root
    - group: root

# The responder is run afresh for every check, so only a new address or port needs a restart.
clustercheck-service:
  service.running:
    - name: clustercheck
    - enable: true
    - require:
      - pkg: clustercheck-packages
      - file: clustercheck-script
      - file: clustercheck-credentials
      - file: clustercheck-maintenance-dir
    - watch:
      - file: clustercheck-init-script
      - file: clustercheck-defaults

clustercheck-listening:
  wait.for:
    - tcp: {{pillar.node.address}}:{{pillar.clustercheck.port}}
    - attempts: 20
    - interval: 1
    - require:
      - service: clustercheck-service
