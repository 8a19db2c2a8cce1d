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
 * {@code %} not followed by {@code (} stays as it is, an unknown atom is fatal).
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

    BatchFormat(String format) {
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
        lit.append('\n');
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

    /** Writes one expanded line (with its newline). */
    void write(OutputStream out, ObjectId id, ObjectType type, long size, long disk, ObjectId base, String rest)
            throws IOException {
        for (Object p : parts) {
            if (p instanceof byte[] lit) {
                out.write(lit);
                continue;
            }
            String v = switch ((Atom) p) {
                case NAME -> id.name();
                case TYPE -> type.typeName();
                case SIZE -> Long.toString(size);
                case DISK -> Long.toString(disk);
                case BASE -> base.name();
                case REST -> rest == null ? "" : rest;
            };
            out.write(v.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
