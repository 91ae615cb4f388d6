# The arbitrator of the 2 + garbd variant (pillar galera.arbitrator names its node): garbd joins
# the data nodes' group, so two data nodes and garbd make a Primary component of 3 members.

# Never on a data node: there garbd would be an extra vote beside a data member.
garbd-not-on-data-node:
  cmd.run:
    - name: echo "this node is a Galera data node (60-galera.cnf or a running mariadbd); garbd must run elsewhere" >&2; exit 1
    - unless:
      - "! grep -qs 'formula galera)' /etc/mysql/mariadb.conf.d/60-galera.cnf && ! mariadb-admin --connect-timeout=5 ping >/dev/null 2>&1"

garbd-package:
  pkg.installed:
    - name: galera-arbitrator-4
    - no_start: true
    - refresh: {{pillar.galera.refresh_index}}
    - require:
      - cmd: garbd-not-on-data-node

garbd-defaults:
  file.managed:
    - name: /etc/default/garb
    - source: galera/garb.mustache
    - mode: "0644"
    - user: root
    - group: root
    - require:
      - pkg: garbd-package

# The init script starts garbd as nobody, which cannot create its log file in /var/log: without
# this file garbd exits at once and the start fails.
garbd-log:
  file.managed:
    - name: /var/log/garbd.log
    - contents: ""
    - replace: false
    - mode: "0640"
    - user: nobody
    - group: nogroup
    - require:
      - pkg: garbd-package

garbd-service:
  service.running:
    - name: garb
    - enable: true
    - require:
      - file: garbd-log
    - watch:
      - file: garbd-defaults

garbd-listening:
  wait.for:
    - tcp: {{pillar.node.address}}:4567
    - attempts: 30
    - interval: 1
    - require:
      - service: garbd-service
