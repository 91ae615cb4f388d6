# Shared by the maintainer scripts (pasted into each by packaging/deb/build at @COMMON@): service
# handling for systemd hosts and for hosts whose init is not systemd. Every start, stop and restart
# goes through deb-systemd-invoke or invoke-rc.d, so policy-rc.d and the admin's enabled/disabled
# choice are respected.

# Registers SERVICE's systemd unit to start at boot (enablement is kept across upgrades: an admin who
# disabled it keeps it disabled). The SysV links are each postinst's own update-rc.d call.
jstate_enable() {
    if command -v deb-systemd-helper >/dev/null 2>&1; then
        deb-systemd-helper unmask "$1.service" >/dev/null || true
        if deb-systemd-helper --quiet was-enabled "$1.service"; then
            deb-systemd-helper enable "$1.service" >/dev/null || true
        else
            deb-systemd-helper update-state "$1.service" >/dev/null || true
        fi
    fi
}

# ACTION (start, stop, restart) SERVICE through the host's init system. A refusal by policy-rc.d (101)
# or by the init system is not an error of the package; a script that fails to start is.
jstate_service() {
    if [ -d /run/systemd/system ]; then
        [ "$1" = stop ] || systemctl --system daemon-reload >/dev/null || true
        deb-systemd-invoke "$1" "$2.service" >/dev/null || true
    elif [ -x "/etc/init.d/$2" ]; then
        rc=0
        invoke-rc.d --skip-systemd-native "$2" "$1" || rc=$?
        [ $rc -eq 0 ] || [ $rc -eq 101 ] || return $rc
    fi
}
