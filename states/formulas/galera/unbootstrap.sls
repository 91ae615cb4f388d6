# After the other nodes joined, the seed restarts without --wsrep-new-cluster, so that a later
# restart of that node (by hand, or at boot) can never start a second cluster. The others keep
# the quorum meanwhile, and the seed rejoins them by IST.
include:
  - galera

galera-unbootstrap:
  cmd.run:
    - name: if [ "{{grains.init}}" = systemd ]; then systemctl restart mariadb; else /etc/init.d/mariadb restart; fi
    - onlyif:
      - /usr/local/sbin/galera-status new-cluster
    - timeout: {{pillar.galera.sync_timeout}}
    - require:
      - file: galera-status-script

galera-unbootstrap-synced:
  wait.for:
    - command: /usr/local/sbin/galera-status synced
    - attempts: {{pillar.galera.sync_timeout}}
    - interval: 1
    - probe_timeout: 10
    - require:
      - cmd: galera-unbootstrap
