package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code packed-refs} file read as git's {@code packed-backend.c} reads it, so that a damaged
 * file fails exactly where git's fails: the whole file is refused (every ref lookup fails, even
 * of a full id, which git checks against the refs) when its header is not
 * {@code # pack-refs with:}, a line is unterminated, the last record is too short, or, in a file
 * not declared {@code sorted}, any record is too short; a record's bad id fails only the lookups
 * that land on it. Lookups are git's binary search, iteration starts where git's starts.
 * Immutable.
 */
final class PackedRefs {
    /** A packed ref met by {@link #forEach}; {@code id} is null when the name is not a valid ref name. */
    interface Visitor {
        void visit(String name, ObjectId id) throws IOException;
    }

    private final Path file;
    private final int hex;
    private final byte[] buf;
    private final int start;

    private PackedRefs(Path file, int hex, byte[] buf, int start) {
        this.file = file;
        this.hex = hex;
        this.buf = buf;
        this.start = start;
    }

    /**
     * Reads {@code file} (absent: no packed refs).
     *
     * @throws CorruptPackException naming the file, with git's "unexpected line" /
     *         "unterminated line" message, if git would refuse the file
     */
    static PackedRefs read(Path file, ObjectFormat format) throws IOException {
        return read(file, format, DatabaseOptions.DEFAULT_MAX_METADATA_FILE);
    }

    /** Reads {@code file} as {@link #read(Path, ObjectFormat)} does, refusing one longer than {@code maxBytes}. */
    static PackedRefs read(Path file, ObjectFormat format, long maxBytes) throws IOException {
        byte[] b;
        try {
            b = Limits.readWhole(file, maxBytes);
        } catch (NoSuchFileException e) {
            b = new byte[0];
        }
        int hex = format.hexLength();
        int start = 0;
        boolean sorted = false;
        if (b.length > 0 && b[0] == '#') {
            int eol = indexOf(b, '\n', 0, b.length);
            if (eol < 0) {
                throw unterminated(file, b, 0, b.length);
            }
            String header = new String(b, 0, eol, StandardCharsets.ISO_8859_1);
            String prefix = "# pack-refs with:";
            if (!header.startsWith(prefix)) {
                throw invalid(file, b, 0, b.length);
            }
            sorted = Arrays.asList(header.substring(prefix.length()).split(" ")).contains("sorted");
            start = eol + 1;
        }
        verifySafe(file, b, start, hex);
        if (!sorted) {
            b = sort(file, b, start, hex);
            verifySafe(file, b, start, hex);
        }
        return new PackedRefs(file, hex, b, start);
    }

    /** git's verify_buffer_safe: the data ends with a newline and its last record is long enough. */
    private static void verifySafe(Path file, byte[] b, int start, int hex) throws CorruptPackException {
        if (start == b.length) {
            return;
        }
        int last = startOfRecord(b, start, b.length - 1);
        if (b[b.length - 1] != '\n' || b.length - last < hex + 2) {
            throw invalid(file, b, last, b.length);
        }
    }

    /** git's sort_snapshot: checks every record's length and sorts the records by name if they are not. */
    private static byte[] sort(Path file, byte[] b, int start, int hex) throws CorruptPackException {
        List<int[]> records = new ArrayList<>(); // {start, end}
        boolean inOrder = true;
        for (int pos = start; pos < b.length; ) {
            int eol = indexOf(b, '\n', pos, b.length);
            if (eol - pos < hex + 2) {
                throw invalid(file, b, pos, b.length);
            }
            eol++;
            if (eol < b.length && b[eol] == '^') {
                eol = indexOf(b, '\n', eol, b.length) + 1;
            }
            records.add(new int[] {pos, eol});
            if (inOrder && records.size() > 1 && compareRecords(b, records.get(records.size() - 2)[0], pos, hex) >= 0) {
                inOrder = false;
            }
            pos = eol;
        }
        if (inOrder) {
            return b;
        }
        records.sort((x, y) -> compareRecords(b, x[0], y[0], hex));
        byte[] out = Arrays.copyOf(b, b.length);
        int dst = start;
        for (int[] r : records) {
            System.arraycopy(b, r[0], out, dst, r[1] - r[0]);
            dst += r[1] - r[0];
        }
        return out;
    }

    /** git's cmp_packed_ref_records: the names after the ids, up to their newlines. */
    private static int compareRecords(byte[] b, int r1, int r2, int hex) {
        int p1 = r1 + hex + 1;
        int p2 = r2 + hex + 1;
        while (true) {
            int c1 = p1 < b.length ? b[p1] & 0xff : '\n';
            int c2 = p2 < b.length ? b[p2] & 0xff : '\n';
            if (c1 == '\n') {
                return c2 == '\n' ? 0 : -1;
            }
            if (c1 != c2) {
                return c2 == '\n' ? 1 : c1 < c2 ? -1 : 1;
            }
            p1++;
            p2++;
        }
    }

    /**
     * Returns the id of {@code refname}, or null if it is not packed.
     *
     * @throws CorruptPackException if the record found has no valid id (git dies there too)
     */
    ObjectId lookup(String refname) throws CorruptPackException {
        int rec = find(refname.getBytes(StandardCharsets.UTF_8), true);
        if (rec < 0) {
            return null;
        }
        if (rec + hex > buf.length || !isHex(rec, hex)) {
            throw invalid(file, buf, rec, buf.length);
        }
        return ObjectId.fromHex(new String(buf, rec, hex, StandardCharsets.US_ASCII));
    }

    /**
     * Visits the packed refs whose names start with {@code prefix}, in order, from where git's
     * iteration starts; a record that is not well-formed there fails as in git.
     */
    void forEach(String prefix, Visitor visitor) throws IOException {
        byte[] want = prefix.getBytes(StandardCharsets.UTF_8);
        for (int pos = find(want, false); pos < buf.length; ) {
            if (buf.length - pos < hex + 2 || !isHex(pos, hex) || !isSpace(buf[pos + hex])) {
                throw invalid(file, buf, pos, buf.length);
            }
            int nameStart = pos + hex + 1;
            int eol = indexOf(buf, '\n', nameStart, buf.length);
            if (eol < 0) {
                throw unterminated(file, buf, pos, buf.length);
            }
            String name = new String(buf, nameStart, eol - nameStart, StandardCharsets.UTF_8);
            ObjectId id = ObjectId.fromHex(new String(buf, pos, hex, StandardCharsets.US_ASCII));
            pos = eol + 1;
            if (pos < buf.length && buf[pos] == '^') {
                int p = pos + 1;
                if (buf.length - p < hex + 1 || !isHex(p, hex) || buf[p + hex] != '\n') {
                    throw invalid(file, buf, pos, buf.length);
                }
                pos = p + hex + 1;
            }
            if (!name.startsWith(prefix)) {
                if (name.compareTo(prefix) > 0) {
                    return;
                }
                continue;
            }
            visitor.visit(name, Refs.isValidName(name) ? id : null);
        }
    }

    /** git's find_reference_location: the record named {@code name}, or (not mustExist) where it would be. */
    private int find(byte[] name, boolean mustExist) {
        int lo = start;
        int hi = buf.length;
        while (lo != hi) {
            int mid = lo + (hi - lo) / 2;
            int rec = startOfRecord(buf, lo, mid);
            int cmp = compareToName(rec, name);
            if (cmp < 0) {
                lo = endOfRecord(mid, hi);
            } else if (cmp > 0) {
                hi = rec;
            } else {
                return rec;
            }
        }
        return mustExist ? -1 : lo;
    }

    /** git's cmp_record_to_refname (reading past the buffer's end reads as a newline). */
    private int compareToName(int rec, byte[] name) {
        int p = rec + hex + 1;
        for (int i = 0; ; i++, p++) {
            int c = p < buf.length ? buf[p] & 0xff : '\n';
            if (c == '\n') {
                return i < name.length ? -1 : 0;
            }
            if (i == name.length) {
                return 1; // the record's name goes on: it sorts after
            }
            int n = name[i] & 0xff;
            if (c != n) {
                return c < n ? -1 : 1;
            }
        }
    }

    /** Back from {@code p} to the start of its record (a peeled {@code ^} line belongs to the record before). */
    private static int startOfRecord(byte[] b, int from, int p) {
        while (p > from && (b[p - 1] != '\n' || b[p] == '^')) {
            p--;
        }
        return p;
    }

    private int endOfRecord(int p, int end) {
        while (++p < end && (buf[p - 1] != '\n' || buf[p] == '^')) {
            // advance
        }
        return p;
    }

    private boolean isHex(int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (Character.digit(buf[i], 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    private static int indexOf(byte[] b, int c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** git's die_invalid_line: the line at {@code p}, or "unterminated" when it has no newline. */
    private static CorruptPackException invalid(Path file, byte[] b, int p, int end) {
        int eol = indexOf(b, '\n', p, end);
        if (eol < 0) {
            return unterminated(file, b, p, end);
        }
        return new CorruptPackException(file, p, "unexpected line: " + excerpt(b, p, eol));
    }

    private static CorruptPackException unterminated(Path file, byte[] b, int p, int end) {
        return new CorruptPackException(file, p, "unterminated line: " + excerpt(b, p, end));
    }

    private static String excerpt(byte[] b, int from, int to) {
        return to - from < 80 ? new String(b, from, to - from, StandardCharsets.ISO_8859_1)
                : new String(b, from, 75, StandardCharsets.ISO_8859_1) + "...";
    }
}
