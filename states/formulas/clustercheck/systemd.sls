# With systemd: a socket unit accepts the connections and starts the responder for each one.
clustercheck-socket-unit:
  file.managed:
    - name: /etc/systemd/system/clustercheck.socket
    - source: clustercheck/clustercheck.socket.mustache
    - mode: "0644"
    - user: root
    - group: root

clustercheck-service-unit:
  file.managed:
    - name: /etc/systemd/system/clustercheck@.service
    - source: clustercheck/clustercheck@.service
    - template: none
    - mode: "0644"
    - user: root
    - group: root

clustercheck-daemon-reload:
  cmd.run:
    - name: systemctl daemon-reload
    - onchanges:
      - file: clustercheck-socket-unit
      - file: clustercheck-service-unit

clustercheck-service:
  service.running:
    - name: clustercheck.socket
    - enable: true
    - require:
      - cmd: clustercheck-daemon-reload
      - pkg: clustercheck-packages
      - file: clustercheck-script
      - file: clustercheck-credentials
      - file: clustercheck-maintenance-dir
    - watch:
      - file: clustercheck-socket-unit

clustercheck-listening:
  wait.for:
    - tcp: {{pillar.node.address}}:{{pillar.clustercheck.port}}
    - attempts: 20
    - interval: 1
    - require:
      - service: clustercheck-service
