package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.FileMode;
import io.github.smmap4j.pack.ObjectFormat;
import io.github.smmap4j.pack.ObjectId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints a tree as {@code git ls-tree} (and so {@code cat-file -p}) does:
 * {@code <mode> <type> <id>\t<name>}, the mode canonicalised as git's {@code canon_mode} does
 * (a file 100644 or 100755, a link 120000, a directory 040000, anything else a gitlink 160000:
 * a deprecated {@code 100664} prints as {@code 100644}) in six octal digits, the name C-quoted when it
 * holds control characters, quotes, backslashes or non-ASCII bytes ({@code core.quotePath}).
 */
final class TreePrinter {
    private TreePrinter() {
    }

    static void print(byte[] tree, ObjectFormat format, OutputStream out) throws IOException {
        int h = format.length();
        int p = 0;
        StringBuilder line = new StringBuilder(128);
        while (p < tree.length) {
            int mode = 0;
            int q = p;
            while (q < tree.length && tree[q] != ' ') {
                int d = tree[q] - '0';
                if (d < 0 || d > 7) {
                    throw CliException.fatal("corrupt tree: bad mode");
                }
                mode = (mode << 3) | d;
                q++;
            }
            int nameStart = q + 1;
            int nul = nameStart;
            while (nul < tree.length && tree[nul] != 0) {
                nul++;
            }
            if (q >= tree.length || nul + h >= tree.length + 1 || nul + 1 + h > tree.length) {
                throw CliException.fatal("corrupt tree: truncated entry");
            }
            ObjectId id = ObjectId.fromRaw(tree, nul + 1, h);
            mode = FileMode.canonical(mode);
            String type = (mode & 0170000) == 0040000 ? "tree" : (mode & 0170000) == 0160000 ? "commit" : "blob";
            line.setLength(0);
            String octal = Integer.toOctalString(mode);
            line.append("000000", 0, Math.max(0, 6 - octal.length())).append(octal)
                    .append(' ').append(type).append(' ').append(id.name()).append('\t');
            out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
            quote(tree, nameStart, nul, out);
            out.write('\n');
            p = nul + 1 + h;
        }
    }

    /** git's quote_c_style with core.quotePath=true. */
    static void quote(byte[] b, int from, int to, OutputStream out) throws IOException {
        boolean needs = false;
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
                needs = true;
                break;
            }
        }
        if (!needs) {
            out.write(b, from, to - from);
            return;
        }
        out.write('"');
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            String esc = switch (c) {
                case 7 -> "\\a";
                case 8 -> "\\b";
                case 9 -> "\\t";
                case 10 -> "\\n";
                case 11 -> "\\v";
                case 12 -> "\\f";
                case 13 -> "\\r";
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                default -> c < 0x20 || c >= 0x7f
                        ? "\\" + (char) ('0' + ((c >> 6) & 3)) + (char) ('0' + ((c >> 3) & 7)) + (char) ('0' + (c & 7))
                        : null;
            };
            if (esc == null) {
                out.write(c);
            } else {
                out.write(esc.getBytes(StandardCharsets.US_ASCII));
            }
        }
        out.write('"');
    }
}
