package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * git's {@code <rev>^{/<text>}} and {@code :/<text>} (get_oid_oneline): the youngest commit
 * reachable from the starting commits whose message matches {@code <text>}, a regular expression
 * searched anywhere in the message (after the header, up to a NUL; {@code .} matches a newline,
 * as POSIX's without REG_NEWLINE). {@code !-<text>}: the youngest that does not match;
 * {@code !!<text>}: a literal leading {@code !}; any other leading {@code !} names nothing. The
 * walk is git's pop_most_recent_commit: newest committer date first, equal dates in the order
 * they were queued, each commit once, parents that cannot be read left out. Java's regular
 * expressions stand in for POSIX extended ones; they agree on the common syntax.
 */
final class CommitMessageSearch {
    /** Reads an object as the revision parser does (through replace refs when in use). */
    @FunctionalInterface
    interface Reader {
        ObjectLoader read(ObjectId id) throws IOException;
    }

    /** Peels an object to a commit, or null. */
    @FunctionalInterface
    interface ToCommit {
        ObjectId peel(ObjectId id) throws IOException;
    }

    private record Queued(ObjectId id, long date, long order) {
    }

    private final Reader reader;
    private final int hex;

    CommitMessageSearch(Reader reader, ObjectFormat format) {
        this.reader = reader;
        this.hex = format.hexLength();
    }

    /**
     * The youngest commit reachable from {@code starts} (commits, in git's list order) whose
     * message matches {@code spec}, or null.
     */
    ObjectId youngest(List<ObjectId> starts, String spec) throws IOException {
        boolean negative = false;
        String p = spec;
        if (p.startsWith("!")) {
            p = p.substring(1);
            if (p.startsWith("-")) {
                p = p.substring(1);
                negative = true;
            } else if (!p.startsWith("!")) {
                return null;
            }
        }
        Pattern re;
        try {
            re = Pattern.compile(javaRegex(p), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            return null; // git: regcomp fails, the name names nothing
        }
        PriorityQueue<Queued> list = new PriorityQueue<>((a, b) -> a.date != b.date ? Long.compare(b.date, a.date)
                : Long.compare(a.order, b.order));
        Set<ObjectId> seen = new HashSet<>();
        long order = 0;
        for (ObjectId s : starts) {
            byte[] c = commit(s);
            if (c != null) {
                seen.add(s);
                list.add(new Queued(s, date(c), order++));
            }
        }
        while (!list.isEmpty()) {
            ObjectId id = list.poll().id;
            byte[] c = commit(id);
            for (int k = 1; ; k++) { // the parents go on the list before the message is looked at
                ObjectId parent = header(c, "parent ", k);
                if (parent == null) {
                    break;
                }
                byte[] pc = commit(parent);
                if (pc != null && seen.add(parent)) {
                    list.add(new Queued(parent, date(pc), order++));
                }
            }
            String message = message(c);
            if (negative ^ (message != null && re.matcher(message).find())) {
                return id;
            }
        }
        return null;
    }

    /**
     * {@code :/}'s starting list as git builds it: every ref's commit (tags peeled, other objects
     * and unreadable refs left out), each put in front, then HEAD's in front of them.
     */
    static List<ObjectId> everyRefsCommit(Refs refs, ToCommit toCommit) throws IOException {
        List<ObjectId> ids = new ArrayList<>();
        refs.forEach("refs/", (n, id) -> ids.add(id));
        Refs.Resolved head = refs.resolve("HEAD");
        if (head != null) {
            ids.add(head.id());
        }
        Collections.reverse(ids);
        List<ObjectId> commits = new ArrayList<>();
        for (ObjectId id : ids) {
            try {
                ObjectId c = toCommit.peel(id);
                if (c != null) {
                    commits.add(c);
                }
            } catch (MissingObjectException | CorruptPackException e) {
                // git's handle_one_ref: an object it cannot parse is left out
            }
        }
        return commits;
    }

    /**
     * The POSIX extended expression {@code ere} in Java's syntax where the two differ on what
     * users write: {@code $} outside brackets is the end of the text only (Java's also matches
     * before a final newline), and {@code [:class:]} inside brackets is {@code \\p{Class}}.
     */
    static String javaRegex(String ere) {
        StringBuilder out = new StringBuilder(ere.length() + 8);
        boolean inBracket = false;
        for (int i = 0; i < ere.length(); i++) {
            char c = ere.charAt(i);
            if (c == '\\' && i + 1 < ere.length() && !inBracket) {
                out.append(c).append(ere.charAt(++i));
            } else if (!inBracket && c == '$') {
                out.append("\\z");
            } else if (!inBracket && c == '[') {
                inBracket = true;
                out.append(c);
                if (i + 1 < ere.length() && ere.charAt(i + 1) == '^') {
                    out.append(ere.charAt(++i));
                }
                if (i + 1 < ere.length() && ere.charAt(i + 1) == ']') {
                    out.append("\\]"); // a ']' first in a bracket is literal
                    i++;
                }
            } else if (inBracket && c == '[' && ere.startsWith("[:", i) && ere.indexOf(":]", i + 2) > i + 2) {
                int end = ere.indexOf(":]", i + 2);
                String cls = switch (ere.substring(i + 2, end)) {
                    case "alpha" -> "Alpha";
                    case "digit" -> "Digit";
                    case "alnum" -> "Alnum";
                    case "upper" -> "Upper";
                    case "lower" -> "Lower";
                    case "space" -> "Space";
                    case "blank" -> "Blank";
                    case "punct" -> "Punct";
                    case "xdigit" -> "XDigit";
                    case "cntrl" -> "Cntrl";
                    case "graph" -> "Graph";
                    case "print" -> "Print";
                    default -> "Unknown class"; // refused by Pattern, as regcomp refuses it
                };
                out.append("\\p{").append(cls).append('}');
                i = end + 1;
            } else if (inBracket && c == '\\') {
                out.append("\\\\"); // literal inside a POSIX bracket
            } else {
                if (inBracket && c == ']') {
                    inBracket = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The content of commit {@code id}, or null when it is not a readable commit. */
    private byte[] commit(ObjectId id) throws IOException {
        try {
            ObjectLoader o = reader.read(id);
            return o.type() == ObjectType.COMMIT && !o.isLarge() ? o.bytes() : null;
        } catch (MissingObjectException | CorruptPackException e) {
            return null;
        }
    }

    /** The {@code nth} header line's id after {@code key}, or null. */
    private ObjectId header(byte[] c, String key, int nth) {
        int seen = 0;
        for (int p = 0; p < c.length && c[p] != '\n'; ) {
            int nl = indexOf(c, (byte) '\n', p);
            if (nl < 0) {
                break;
            }
            if (startsWith(c, p, key) && nl - p - key.length() == hex && ++seen == nth) {
                String h = new String(c, p + key.length(), hex, StandardCharsets.ISO_8859_1);
                return ObjectId.isHex(h) ? ObjectId.fromHex(h) : null;
            }
            p = nl + 1;
        }
        return null;
    }

    /** git's parse_commit_date: the number after the last {@code >} of the committer line, else 0. */
    private static long date(byte[] c) {
        for (int p = 0; p < c.length && c[p] != '\n'; ) {
            int nl = indexOf(c, (byte) '\n', p);
            if (nl < 0) {
                break;
            }
            if (startsWith(c, p, "committer ")) {
                int gt = nl;
                while (gt > p && c[gt - 1] != '>') {
                    gt--;
                }
                int i = gt;
                while (i < nl && c[i] == ' ') {
                    i++;
                }
                long d = 0;
                for (; i < nl && c[i] >= '0' && c[i] <= '9' && d < Long.MAX_VALUE / 10 - 9; i++) {
                    d = d * 10 + (c[i] - '0');
                }
                return d;
            }
            p = nl + 1;
        }
        return 0;
    }

    /** What follows the first blank line, up to a NUL, as UTF-8; null without a blank line. */
    private static String message(byte[] c) {
        for (int i = 0; i + 1 < c.length; i++) {
            if (c[i] == '\n' && c[i + 1] == '\n') {
                int from = i + 2;
                int end = indexOf(c, (byte) 0, from);
                return new String(c, from, (end < 0 ? c.length : end) - from, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, String s) {
        if (at + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
