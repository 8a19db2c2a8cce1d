package io.github.smmap4j.pack;

import java.io.IOException;

/**
 * The ref half of git's {@code get_oid_basic}: a short name completed by git's DWIM rules
 * ({@code repo_dwim_ref}), and a reflog entry {@code <ref>@{<n>}} found by {@code repo_dwim_log}
 * and read with {@link Reflog#lookup}.
 */
final class RefNames {
    /** git's ref_rev_parse_rules. */
    private static final String[] RULES = {"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"};
    /** git reads a number this large in {@code @{...}} as a time, not a count. */
    private static final long TIME_FROM = 100_000_000L;

    private RefNames() {
    }

    /** The first rule that makes {@code name} an existing ref, resolved; null if none does. */
    static Refs.Resolved dwim(Refs refs, String name) throws IOException {
        if (!Refs.isValidName(name)) {
            return null;
        }
        for (String rule : RULES) {
            Refs.Resolved r = refs.resolve(rule.replace("%s", name));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * Resolves {@code ref@{spec}} ({@code ref} empty: the branch HEAD points at): {@code spec}
     * a number of entries back, or a time in seconds when at least {@value #TIME_FROM}; null if
     * there is no such ref or log, or {@code spec} is something else (a date, {@code -N},
     * {@code upstream}: not supported).
     *
     * @throws IllegalArgumentException where git dies: the log is empty, or shorter than {@code spec}
     */
    static ObjectId resolve(Refs refs, String ref, String spec) throws IOException {
        if (spec.isEmpty() || spec.startsWith("-") || (!ref.isEmpty() && !Refs.isValidName(ref))) {
            return null;
        }
        int n = 0; // git's int, wrapping as git's does: a count that wraps negative reads as time 0
        for (int i = 0; n >= 0 && i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c < '0' || c > '9') {
                return null; // an approximate date: not supported
            }
            n = n * 10 + (c - '0');
        }
        String logName;
        ObjectId current;
        if (ref.isEmpty()) {
            Refs.Resolved head = refs.resolve("HEAD");
            if (head == null) {
                return null;
            }
            logName = head.name();
            current = head.id();
        } else {
            Refs.Resolved found = null;
            for (String rule : RULES) {
                String full = rule.replace("%s", ref);
                Refs.Resolved r = refs.resolve(full);
                if (r == null) {
                    continue;
                }
                if (refs.reflog(full) != null) {
                    found = new Refs.Resolved(full, r.id());
                } else if (!r.name().equals(full) && refs.reflog(r.name()) != null) {
                    found = r;
                } else {
                    continue;
                }
                break;
            }
            if (found == null) {
                return null;
            }
            logName = found.name();
            current = found.id();
        }
        Reflog log = refs.reflog(logName);
        if (log == null) {
            log = Reflog.parse(new byte[0], refs.format());
        }
        boolean byTime = n >= TIME_FROM;
        Reflog.Lookup l = log.lookup(byTime || n < 0 ? -1 : n, byTime ? n : 0, current);
        if (l == null) {
            throw new IllegalArgumentException("log for " + logName + " is empty");
        }
        if (!l.found() && !byTime) {
            String shown = ref.isEmpty() ? (logName.startsWith("refs/heads/") ? logName.substring(11) : "HEAD") : ref;
            throw new IllegalArgumentException("log for '" + shown + "' only has " + l.entries() + " entries");
        }
        return l.id();
    }
}
