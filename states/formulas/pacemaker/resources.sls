# The Galera layout's resources: the VIP (IPaddr2) where haproxy runs, a haproxy clone, and Galera
# as a promotable clone promoted on every node. The CIB's resources and constraints sections are
# replaced from rendered XML only when they differ from it (crm_diff exits 0 for no difference),
# so a re-run changes nothing, and a change made by hand in the CIB is put back.
include:
  - pacemaker

# Pacemaker starts mariadb itself (through the galera agent); the init system must not start a
# second server at boot. Only the boot start is turned off here: stopping the service would stop
# the server Pacemaker runs, since both use the same pid file and socket.
mariadb-boot-disabled:
  cmd.run:
    - name: if [ -d /run/systemd/system ]; then systemctl disable mariadb; else update-rc.d mariadb disable; fi
    - unless:
      - if [ -d /run/systemd/system ]; then ! systemctl --quiet is-enabled mariadb; else ! ls /etc/rc2.d/S??mariadb >/dev/null 2>&1; fi

# The galera agent starts mysqld_safe with --log-error=/var/log/mysql/error.log (its Debian default)
# and touches that file first; the package does not make the directory, and without it the server
# fails to start ("MySQL server failed to start") and the promotion is blocked.
mariadb-log-dir:
  file.directory:
    - name: /var/log/mysql
    - mode: "2750"
    - user: mysql
    - group: adm

pacemaker-cib-dir:
  file.directory:
    - name: /etc/pacemaker/jstate
    - mode: "0700"
    - user: root
    - group: root
    - require:
      - pkg: pacemaker-pkgs

# Mode 0600: the Galera resource carries the monitoring user's password.
pacemaker-resources-xml:
  file.managed:
    - name: /etc/pacemaker/jstate/resources.xml
    - source: pacemaker/resources.xml.mustache
    - mode: "0600"
    - user: root
    - group: root
    - require:
      - file: pacemaker-cib-dir

pacemaker-constraints-xml:
  file.managed:
    - name: /etc/pacemaker/jstate/constraints.xml
    - source: pacemaker/constraints.xml.mustache
    - mode: "0600"
    - user: root
    - group: root
    - require:
      - file: pacemaker-cib-dir

pacemaker-resources:
  cmd.run:
    - name: cibadmin --replace --scope resources --xml-file /etc/pacemaker/jstate/resources.xml
    - unless:
      - crm_diff --original-string "$(cibadmin --query --scope resources)" --new /etc/pacemaker/jstate/resources.xml >/dev/null
    - require:
      - file: pacemaker-resources-xml
      - wait: pacemaker-cib-ready
      - cmd: mariadb-boot-disabled
      - file: mariadb-log-dir

# After the resources: the constraints name them, and the CIB refuses a reference to a missing id.
pacemaker-constraints:
  cmd.run:
    - name: cibadmin --replace --scope constraints --xml-file /etc/pacemaker/jstate/constraints.xml
    - unless:
      - crm_diff --original-string "$(cibadmin --query --scope constraints)" --new /etc/pacemaker/jstate/constraints.xml >/dev/null
    - require:
      - file: pacemaker-constraints-xml
      - cmd: pacemaker-resources

# A Galera instance whose promotion failed or timed out is blocked (on-fail=block) until someone
# clears it, and while it is blocked the galera agent on every other node waits for its position
# forever ("Waiting on node <ctl1> to report database status before Master instances can start"):
# after a full outage during a joiner's state transfer, Galera stays down. Clearing it is safe: the
# agent then stops the blocked server, every node reports its last committed position, and the
# agent bootstraps from the most advanced one. So when crm_mon shows Galera failed, this waits
# (bounded, saying so) until Pacemaker has either recovered it by itself or blocked it, and cleans
# up a block. Its output says which. A failing crm_mon (pacemakerd restarting) says nothing about
# Galera: it is waited out like a failure and, at the bound, named. The script runs under /bin/sh
# (dash on Debian, no $SECONDS): its clock is date +%s; it says every 15 s what it waits for.
pacemaker-galera-unblocked:
  cmd.run:
    - name: |
        bound={{pillar.pacemaker.galera.unblock_wait}}
        start=$(date +%s)
        end=$((start + bound))
        said=
        while :; do
          crm_rc=
          if mon=$(timeout 30 crm_mon -1 2>&1); then
            blocked=$(printf '%s\n' "$mon" | grep -E 'ocf:heartbeat:galera.*FAILED.*\(blocked\)' | sed -E 's/.*FAILED ([A-Za-z]+ )?//' | tr -s ' \n' ' ')
            if [ -n "$blocked" ]; then
              echo "Pacemaker blocked Galera on: $blocked(a failed or timed-out promotion); crm_resource --cleanup --resource galera-clone:"
              crm_resource --cleanup --resource galera-clone
              exit $?
            fi
            if ! printf '%s\n' "$mon" | grep -Eq 'ocf:heartbeat:galera.*(FAILED|Promoting|Starting|Stopping|Demoting)'; then
              echo "Pacemaker recovered Galera by itself; nothing blocked"
              exit 0
            fi
            state="Galera failed, not blocked"
          else
            crm_rc=$?
            state="crm_mon -1 failed, exit $crm_rc"
          fi
          now=$(date +%s)
          if [ "$now" -ge "$end" ]; then
            if [ -n "$crm_rc" ]; then
              echo "Galera's state unknown after $bound s: crm_mon -1 failed (exit $crm_rc): $mon"
              exit 1
            fi
            echo "Galera still failed and not blocked after $bound s:"
            printf '%s\n' "$mon" | grep -A6 'galera-clone'
            exit 1
          fi
          if [ -z "$said" ] || [ $((now - said)) -ge 15 ]; then
            echo "waiting for Pacemaker to recover or block Galera ($state): $((now - start)) s of $bound s"
            said=$now
          fi
          sleep 5
        done
    - onlyif:
      - crm_mon -1 2>/dev/null | grep -Eq 'ocf:heartbeat:galera.*FAILED'
    - require:
      - cmd: pacemaker-constraints
