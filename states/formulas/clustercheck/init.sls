# clustercheck on every Galera node: HTTP 200 on port 9200 when the node is Synced (or a donor,
# when pillar allows it), 503 otherwise or while the maintenance file exists. HAProxy's
# 'option httpchk' asks it. The service that listens is picked by the init system.
include:
  - clustercheck.{{grains.init}}

clustercheck-packages:
  pkg.installed:
    - pkgs:
      - socat
      - mariadb-client
    - refresh: {{pillar.galera.refresh_index}}

# Root-only: it holds the monitoring password, which therefore never appears on a command line.
clustercheck-credentials:
  file.managed:
    - name: /etc/mysql/clustercheck.cnf
    - source: clustercheck/clustercheck.cnf.mustache
    - mode: "0600"
    - user: root
    - group: root
    - require:
      - pkg: clustercheck-packages

clustercheck-script:
  file.managed:
    - name: /usr/local/bin/clustercheck
    - source: clustercheck/clustercheck.sh
    - template: none
    - mode: "0755"
    - user: root
    - group: root

clustercheck-defaults:
  file.managed:
    - name: /etc/default/clustercheck
    - source: clustercheck/clustercheck.default.mustache
    - mode: "0644"
    - user: root
    - group: root

# The maintenance flag lives here: 'touch {{pillar.clustercheck.maintenance_file}}' drains the node.
clustercheck-maintenance-dir:
  file.directory:
    - name: /var/lib/clustercheck
    - mode: "0755"
    - user: root
    - group: root
