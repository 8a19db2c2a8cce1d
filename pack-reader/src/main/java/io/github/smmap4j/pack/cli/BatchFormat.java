package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code cat-file --batch[-check]=<format>}: literal text and the atoms
 * {@code %(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase) %(rest)},
 * parsed once the way git's {@code strbuf_expand} reads it ({@code %%} is a percent sign, a
 * {@code %} not followed by {@code (} stays as it is, an unknown atom is fatal). Each record
 * ends with the {@link #delimiter}: a newline, or NUL with {@code -Z}.
 */
final class BatchFormat {
    static final String DEFAULT = "%(objectname) %(objecttype) %(objectsize)";

    enum Atom { NAME, TYPE, SIZE, DISK, BASE, REST }

    private final List<Object> parts = new ArrayList<>(); // byte[] literal or Atom
    final boolean isDefault;
    final boolean needsType;
    final boolean needsSize;
    final boolean needsDisk;
    final boolean needsBase;
    final boolean splitRest;
    /** What ends each output record (header line, content, "missing"): {@code '\n'}, or NUL with {@code -Z}. */
    final byte delimiter;

    BatchFormat(String format) {
        this(format, (byte) '\n');
    }

    /** A format whose records end with {@code delimiter} ({@code -Z}: NUL instead of newline). */
    BatchFormat(String format, byte delimiter) {
        this.delimiter = delimiter;
        String f = format == null ? DEFAULT : format;
        this.isDefault = f.equals(DEFAULT);
        StringBuilder lit = new StringBuilder();
        boolean t = false;
        boolean s = false;
        boolean d = false;
        boolean b = false;
        boolean r = false;
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c != '%') {
                lit.append(c);
                i++;
                continue;
            }
            if (i + 1 < f.length() && f.charAt(i + 1) == '%') {
                lit.append('%');
                i += 2;
                continue;
            }
            if (i + 1 >= f.length() || f.charAt(i + 1) != '(') {
                lit.append('%');
                i++;
                continue;
            }
            int end = f.indexOf(')', i + 2);
            if (end < 0) {
                throw CliException.fatal("format element '" + f.substring(i + 1) + "' does not end in ')'");
            }
            String name = f.substring(i + 2, end);
            Atom a = switch (name) {
                case "objectname" -> Atom.NAME;
                case "objecttype" -> Atom.TYPE;
                case "objectsize" -> Atom.SIZE;
                case "objectsize:disk" -> Atom.DISK;
                case "deltabase" -> Atom.BASE;
                case "rest" -> Atom.REST;
                default -> throw CliException.fatal("unknown format element: " + name);
            };
            t |= a == Atom.TYPE;
            s |= a == Atom.SIZE;
            d |= a == Atom.DISK;
            b |= a == Atom.BASE;
            r |= a == Atom.REST;
            if (!lit.isEmpty()) {
                parts.add(lit.toString().getBytes(StandardCharsets.ISO_8859_1));
                lit.setLength(0);
            }
            parts.add(a);
            i = end + 1;
        }
        lit.append((char) (delimiter & 0xff));
        parts.add(lit.toString().getBytes(StandardCharsets.ISO_8859_1));
        needsType = t;
        needsSize = s;
        needsDisk = d;
        needsBase = b;
        splitRest = r;
    }

    /** True if nothing but the name (and rest) is printed: no lookup is needed. */
    boolean needsNothing() {
        return !needsType && !needsSize && !needsDisk && !needsBase;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] line = new byte[256];
    private final byte[] raw = new byte[32];
    private int len;

    /** Writes one expanded line (with its delimiter) with one write, formatted as bytes into a reused buffer. */
    void write(OutputStream out, ObjectId id, ObjectType type, long size, long disk, ObjectId base, String rest)
            throws IOException {
        len = 0;
        for (Object p : parts) {
            if (p instanceof byte[] lit) {
                append(lit, lit.length);
                continue;
            }
            switch ((Atom) p) {
                case NAME -> hex(id);
                case TYPE -> ascii(type.typeName());
                case SIZE -> decimal(size);
                case DISK -> decimal(disk);
                case BASE -> hex(base);
                case REST -> ascii(rest == null ? "" : rest);
            }
        }
        out.write(line, 0, len);
    }

    private void room(int n) {
        if (len + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(2 * line.length, len + n));
        }
    }

    private void append(byte[] b, int n) {
        room(n);
        System.arraycopy(b, 0, line, len, n);
        len += n;
    }

    private void hex(ObjectId id) {
        int n = id.length();
        id.copyTo(raw, 0);
        room(2 * n);
        for (int i = 0; i < n; i++) {
            line[len++] = HEX[(raw[i] >> 4) & 15];
            line[len++] = HEX[raw[i] & 15];
        }
    }

    private void decimal(long v) {
        room(20);
        int start = len;
        do {
            line[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = line[i];
            line[i] = line[j];
            line[j] = t;
        }
    }

    /** ISO-8859-1 text (a %(rest) is the input line's bytes, read as ISO-8859-1). */
    private void ascii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            line[len++] = (byte) s.charAt(i);
        }
    }
}
