package io.jstate.states.kinds.pkg;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Packages on Debian and its derivatives: dpkg-query to observe, apt-get to change. */
final class AptBackend implements PackageBackend {

    /** Where invoke-rc.d and deb-systemd-invoke look for the local policy on starting services. */
    static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    /** Exit 101 is "action forbidden by policy": maintainer scripts then leave the service alone. */
    static final String DENY_ALL_POLICY = "#!/bin/sh\n# Written by jstate for the length of a package install (no_start).\nexit 101\n";

    static final List<String> INDEX_FILES = List.of("/var/lib/apt/lists", "/var/cache/apt/pkgcache.bin");

    /**
     * Another apt or an unattended upgrade may hold the dpkg lock for minutes; waiting is what an
     * operator would do by hand, failing is not.
     */
    private static final List<String> APT_GET = List.of("apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=600");

    /** Keep locally changed configuration files and take the maintainer's default on new ones, never ask. */
    private static final List<String> KEEP_CONFIG = List.of(
            "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold");

    private static final Map<String, String> NONINTERACTIVE = Map.of(
            "DEBIAN_FRONTEND", "noninteractive", "APT_LISTCHANGES_FRONTEND", "none");

    /** Lock waits plus large downloads: well beyond the default command timeout. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(40);

    private final Host host;

    AptBackend(Host host) {
        this.host = host;
    }

    @Override
    public boolean supports(Map<String, Object> grains) {
        Object family = grains.get("os_family");
        return family != null && String.valueOf(family).equalsIgnoreCase("Debian");
    }

    @Override
    public Map<String, Installed> installed(Collection<String> names) {
        List<String> argv = new ArrayList<>(List.of("dpkg-query", "-W",
                "-f=${binary:Package}\\t${Package}\\t${db:Status-Abbrev}\\t${Version}\\n"));
        argv.addAll(names);
        Exec exec = Exec.query(argv);
        ExecResult r = host.run(exec);
        // Exit 1 only means some names are unknown to dpkg; the known ones are still listed.
        if (r.exitCode() > 1 || r.timedOut()) r.orThrow(exec);
        Map<String, Installed> out = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length < 4 || f[3].isBlank()) continue;
            // The second letter of the status is the package's current state: i = installed,
            // t/W = installed with triggers pending; c = config files only, others half-done.
            char current = f[2].length() > 1 ? f[2].charAt(1) : ' ';
            Installed state = new Installed(f[3].strip(), current == 'i' || current == 't' || current == 'W');
            for (String wanted : names) {
                if (wanted.equals(f[0]) || wanted.equals(f[1])) out.putIfAbsent(wanted, state);
            }
        }
        return out;
    }

    @Override
    public Map<String, String> candidates(Collection<String> names) {
        List<String> argv = new ArrayList<>(List.of("apt-cache", "policy"));
        argv.addAll(names);
        Exec exec = Exec.query(argv);
        ExecResult r = host.run(exec).orThrow(exec);
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (String line : r.stdout().split("\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.endsWith(":")) {
                current = line.substring(0, line.length() - 1);
            } else if (current != null && line.strip().startsWith("Candidate:")) {
                String v = line.strip().substring("Candidate:".length()).strip();
                if (!v.isEmpty() && !v.equals("(none)") && names.contains(current)) out.put(current, v);
            }
        }
        return out;
    }

    @Override
    public boolean indexOlderThan(Duration maxAge) {
        List<String> argv = new ArrayList<>(List.of("stat", "-c", "%Y"));
        argv.addAll(INDEX_FILES);
        // stat exits 1 when one of the files is missing but still prints the others.
        ExecResult r = host.run(Exec.query(argv));
        long newest = -1;
        for (String line : r.stdout().split("\n")) {
            try {
                newest = Math.max(newest, Long.parseLong(line.strip()));
            } catch (NumberFormatException ignored) {
                // Not a timestamp: a file that was missing.
            }
        }
        return newest < 0 || host.now().getEpochSecond() - newest > maxAge.toSeconds();
    }

    @Override
    public void refresh() {
        List<String> argv = new ArrayList<>(APT_GET);
        argv.add("update");
        Exec exec = Exec.change(argv).withEnv(NONINTERACTIVE);
        host.run(exec).orThrow(exec);
    }

    @Override
    public void install(List<Request> packages, InstallOptions options) {
        List<String> argv = new ArrayList<>(APT_GET);
        argv.addAll(KEEP_CONFIG);
        argv.add("install");
        argv.add(options.installRecommends() ? "--install-recommends" : "--no-install-recommends");
        for (Request p : packages) argv.add(p.version() == null ? p.name() : p.name() + "=" + p.version());
        Exec exec = Exec.change(argv).withEnv(NONINTERACTIVE).withTimeout(INSTALL_TIMEOUT);
        if (!options.noStart()) {
            host.run(exec).orThrow(exec);
            return;
        }
        Optional<FileInfo> before = host.stat(POLICY_RC_D);
        if (before.isPresent() && !before.get().isFile() && !before.get().isSymlink()) {
            throw new HostException(POLICY_RC_D + " is neither a file nor a symlink; cannot install with no_start");
        }
        byte[] saved = before.filter(FileInfo::isFile).map(i -> host.read(POLICY_RC_D)).orElse(null);
        host.write(POLICY_RC_D, DENY_ALL_POLICY.getBytes(StandardCharsets.UTF_8), FileAttrs.mode(0755));
        try {
            host.run(exec).orThrow(exec);
        } finally {
            restorePolicy(before, saved);
        }
    }

    /** Puts back whatever policy the host had, so no_start never outlives the install. */
    private void restorePolicy(Optional<FileInfo> before, byte[] saved) {
        if (before.isEmpty()) {
            host.delete(POLICY_RC_D);
        } else if (saved != null) {
            host.write(POLICY_RC_D, saved, new FileAttrs(before.get().mode(), before.get().user(), before.get().group()));
        } else {
            host.delete(POLICY_RC_D);
            host.symlink(POLICY_RC_D, Path.of(before.get().linkTarget()));
        }
    }

    @Override
    public void remove(Collection<String> names, boolean purge) {
        List<String> argv = new ArrayList<>(APT_GET);
        argv.add(purge ? "purge" : "remove");
        argv.addAll(names);
        Exec exec = Exec.change(argv).withEnv(NONINTERACTIVE).withTimeout(INSTALL_TIMEOUT);
        host.run(exec).orThrow(exec);
    }
}
