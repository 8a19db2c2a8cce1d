package io.github.smmap4j.pack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A ref's log ({@code logs/<ref>}), its entries {@code <old> <new> <ident> <time> <tz>\t<msg>}
 * parsed as git's files backend parses them (a malformed line, or the last one without its
 * newline, is skipped), and git's {@code read_ref_at}: the entry {@code @{N}} or the value at a
 * time {@code @{<seconds>}}. Immutable.
 */
final class Reflog {
    /** One entry: the ref went from {@code oldId} to {@code newId} at {@code time} (seconds). */
    record Entry(ObjectId oldId, ObjectId newId, long time) {
    }

    /**
     * What {@link #lookup} found.
     *
     * @param id      the id: of the entry asked for, else of the oldest one
     * @param found   false when the log does not go back that far
     * @param entries the number of entries read (for git's "only has N entries")
     */
    record Lookup(ObjectId id, boolean found, int entries) {
    }

    private final List<Entry> entries; // oldest first
    private final ObjectId zero;

    private Reflog(List<Entry> entries, ObjectId zero) {
        this.entries = entries;
        this.zero = zero;
    }

    static Reflog parse(byte[] b, ObjectFormat format) {
        List<Entry> out = new ArrayList<>();
        int hex = format.hexLength();
        for (int p = 0; p < b.length; ) {
            int nl = p;
            while (nl < b.length && b[nl] != '\n') {
                nl++;
            }
            if (nl < b.length) { // git skips a last line without its newline
                Entry e = entry(new String(b, p, nl - p, StandardCharsets.ISO_8859_1), hex);
                if (e != null) {
                    out.add(e);
                }
            }
            p = nl + 1;
        }
        return new Reflog(List.copyOf(out), format.zeroId());
    }

    /** git's show_one_reflog_ent checks; null for a line it skips. */
    private static Entry entry(String s, int hex) {
        if (s.length() < 2 * hex + 2 || s.charAt(hex) != ' ' || s.charAt(2 * hex + 1) != ' '
                || !ObjectId.isHex(s.substring(0, hex)) || !ObjectId.isHex(s.substring(hex + 1, 2 * hex + 1))) {
            return null;
        }
        int gt = s.indexOf('>', 2 * hex + 2);
        if (gt < 0 || gt + 1 >= s.length() || s.charAt(gt + 1) != ' ') {
            return null;
        }
        int p = gt + 2;
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        long time = 0;
        int digits = p;
        while (p < s.length() && Character.isDigit(s.charAt(p))) {
            int d = s.charAt(p++) - '0';
            time = time > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : time * 10 + d;
        }
        if (p == digits || time == 0 || p + 6 > s.length() || s.charAt(p) != ' '
                || (s.charAt(p + 1) != '+' && s.charAt(p + 1) != '-')) {
            return null;
        }
        for (int i = p + 2; i < p + 6; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        return new Entry(ObjectId.fromHex(s.substring(0, hex)), ObjectId.fromHex(s.substring(hex + 1, 2 * hex + 1)), time);
    }

    /** Returns the number of entries. */
    int size() {
        return entries.size();
    }

    /**
     * git's read_ref_at: the {@code n}th entry back ({@code n >= 0}), or with {@code n < 0} the
     * value at {@code time}; {@code current} is the ref's value now (the answer for {@code @{0}}
     * of an empty log). Returns null for an empty log when an entry other than {@code @{0}} is
     * asked for (git: "log for X is empty").
     */
    Lookup lookup(int n, long time, ObjectId current) {
        if (n == 0) {
            return new Lookup(entries.isEmpty() ? current : entries.getLast().newId(), true, entries.size());
        }
        ObjectId id = current;
        ObjectId newerOld = zero; // the old id of the entry read before (newer)
        int cnt = n;
        int read = 0;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (cnt > 0) {
                cnt--;
            }
            boolean reached = cnt == 0 && !e.oldId().equals(zero);
            if (e.time() <= time || reached) {
                if (reached) {
                    id = e.oldId();
                } else if (!newerOld.equals(zero) || e.time() == time) {
                    id = e.newId();
                }
                return new Lookup(id, true, read + 1);
            }
            read++;
            newerOld = e.oldId();
        }
        if (read == 0) {
            return null;
        }
        Entry oldest = entries.getFirst();
        return new Lookup(oldest.oldId().equals(zero) ? oldest.newId() : oldest.oldId(), false, read);
    }
}
