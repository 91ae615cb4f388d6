# Corosync and Pacemaker: the cluster layer of the alternative layout, in which Pacemaker runs
# Galera, haproxy and the VIP (pacemaker.resources) instead of jstate's orchestration and
# Keepalived. This file brings the cluster up; it configures no resource.
pacemaker-pkgs:
  pkg.installed:
    - pkgs:
      - corosync
      - pacemaker
      - pacemaker-cli-utils
      - crmsh
      - resource-agents
      # Joiners take their state by rsync in this layout (see pacemaker.galera.sst_method).
      - rsync
    # With its packaged configuration corosync would start as a one-node cluster on loopback.
    - no_start: true

corosync-authkey:
  file.managed:
    - name: /etc/corosync/authkey
    - contents: "{{pillar.pacemaker.corosync.authkey}}"
    - mode: "0400"
    - user: root
    - group: root
    - require:
      - pkg: pacemaker-pkgs

corosync-conf:
  file.managed:
    - name: /etc/corosync/corosync.conf
    - source: pacemaker/corosync.conf.mustache
    - mode: "0644"
    - user: root
    - group: root
    - require:
      - pkg: pacemaker-pkgs
      - file: corosync-authkey

# A restart of corosync would take Pacemaker and every resource down with it, so a changed
# configuration is reloaded into the running corosync instead. Before the service state: a corosync
# that is not running yet (the first run) has nothing to reload and reads the new file when it
# starts, and one that is starting does not answer its configuration API yet (CS_ERR_LIBRARY).
corosync-reload:
  cmd.run:
    - name: corosync-cfgtool -R
    - onchanges:
      - file: corosync-conf
    - onlyif:
      - corosync-cfgtool -s >/dev/null 2>&1

corosync-service:
  service.running:
    - name: corosync
    - enable: true
    - require:
      - file: corosync-conf
      - cmd: corosync-reload

pacemaker-service:
  service.running:
    - name: pacemaker
    - enable: true
    - require:
      - service: corosync-service

# Cluster properties go in once the CIB answers; each is set only when its value differs.
pacemaker-cib-ready:
  wait.for:
    - command: cibadmin --query --scope crm_config
    - attempts: 60
    - interval: 1
    - require:
      - service: pacemaker-service
{{#pillar.pacemaker.properties}}

pacemaker-property-{{name}}:
  cmd.run:
    - name: crm_attribute --type crm_config --name {{name}} --update {{value}}
    - unless:
      - test "$(crm_attribute --type crm_config --name {{name}} --query --quiet 2>/dev/null)" = "{{value}}"
    - require:
      - wait: pacemaker-cib-ready
{{/pillar.pacemaker.properties}}
