package io.github.smmap4j.pack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stdin of {@code cat-file --batch[-check]}: lines ended by {@code '\n'} (a trailing
 * {@code '\r'} is stripped) or, with {@code -z}, by NUL; a last line without its terminator
 * counts too. With a {@code %(rest)} format the line is split at its first blank (space or tab)
 * into the object name and the rest, the rest's leading blanks dropped, as git splits it.
 * Reads stdin only when the line before has been handed out, so a caller that flushes after
 * each line answers an interactive writer before waiting for its next line.
 */
final class BatchInput {
    /** One stdin line: the object name and, when split off, the {@code %(rest)} text (else null). */
    record Line(String name, String rest) {
    }

    private final InputStream in;
    private final boolean nul;
    private final boolean splitRest;
    private final byte term;
    private final byte[] buf = new byte[1 << 16];
    private int len;
    private int pos;
    private boolean eof;
    private byte[] line = new byte[256];

    BatchInput(InputStream in, boolean nul, boolean splitRest) {
        this.in = in;
        this.nul = nul;
        this.splitRest = splitRest;
        this.term = nul ? (byte) 0 : (byte) '\n';
    }

    /** Returns the next line, or null at the end of the input. */
    Line next() throws IOException {
        int ll = 0;
        while (true) {
            if (pos == len) {
                if (eof) {
                    return null;
                }
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    eof = true;
                    return ll == 0 ? null : parse(ll);
                }
            } else {
                byte b = buf[pos++];
                if (b == term) {
                    return parse(ll);
                }
                if (ll == line.length) {
                    line = Arrays.copyOf(line, ll * 2);
                }
                line[ll++] = b;
            }
        }
    }

    private Line parse(int ll) {
        String s = new String(line, 0, ll, StandardCharsets.ISO_8859_1);
        if (!nul && s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        if (splitRest) {
            int sp = indexOfBlank(s);
            if (sp >= 0) {
                int r = sp;
                while (r < s.length() && (s.charAt(r) == ' ' || s.charAt(r) == '\t')) {
                    r++;
                }
                return new Line(s.substring(0, sp), s.substring(r));
            }
        }
        return new Line(s, null);
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}
