# The two-node DRBD active/passive MySQL layout, as a whole CIB rendered to a file and checked
# with Pacemaker's own verifier. It is never loaded into a cluster by jstate: it needs the DRBD
# kernel module and a DRBD resource, which the lab does not have (see README.md).
pacemaker-drbd-tools:
  pkg.installed:
    - name: pacemaker-cli-utils

pacemaker-drbd-dir:
  file.directory:
    - name: /etc/pacemaker/jstate
    - mode: "0700"
    - user: root
    - group: root

pacemaker-drbd-cib:
  file.managed:
    - name: /etc/pacemaker/jstate/drbd-mysql.cib.xml
    - source: pacemaker/drbd-mysql.cib.xml.mustache
    - mode: "0600"
    - user: root
    - group: root
    - require:
      - file: pacemaker-drbd-dir

# Runs only when the quiet check fails, and then verbosely so the failure shows crm_verify's reasons.
pacemaker-drbd-verify:
  cmd.run:
    - name: crm_verify --verbose --xml-file /etc/pacemaker/jstate/drbd-mysql.cib.xml
    - unless:
      - crm_verify --xml-file /etc/pacemaker/jstate/drbd-mysql.cib.xml
    - require:
      - file: pacemaker-drbd-cib
      - pkg: pacemaker-drbd-tools
