package io.github.smmap4j.pack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stdin of {@code cat-file --batch[-check]} and {@code --batch-command}: lines ended by
 * {@code '\n'} (a trailing {@code '\r'} is stripped) or, with {@code -z}/{@code -Z}, by NUL; a
 * last line without its terminator counts too. Bytes are kept as they are (one ISO-8859-1 char
 * per byte). For {@code --batch[-check]} a line is read as git reads it, as a C string: it ends
 * at its first NUL byte, if it holds one; with a {@code %(rest)} format it is split at its first
 * blank (space or tab) into the object name and the rest, the rest's leading blanks dropped, as
 * git splits it. Reads stdin only when the line before has been handed out, so a caller that
 * flushes after each line answers an interactive writer before waiting for its next line.
 *
 * <p>A line may hold at most {@link #MAX_LINE} bytes by default (git has no limit; the
 * environment's {@code SMMAP4J_BATCH_MAX_LINE} sets another cap): a longer one ends the
 * command with a {@code fatal:} message once that many bytes are read, so memory stays bounded
 * whatever the input. No object name comes near it.
 */
final class BatchInput {
    /** The longest input line accepted, in bytes without its terminator: 1 MiB. */
    static final int MAX_LINE = 1 << 20;

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
    private final int maxLine;

    /**
     * @param nul       true if lines end with NUL ({@code -z}, {@code -Z}), false for newlines
     * @param splitRest true to split off the {@code %(rest)} text in {@link #next()}
     */
    BatchInput(InputStream in, boolean nul, boolean splitRest) {
        this(in, nul, splitRest, MAX_LINE);
    }

    /** As {@link #BatchInput(InputStream, boolean, boolean)}, lines of at most {@code maxLine} bytes. */
    BatchInput(InputStream in, boolean nul, boolean splitRest, int maxLine) {
        this.maxLine = maxLine;
        this.in = in;
        this.nul = nul;
        this.splitRest = splitRest;
        this.term = nul ? (byte) 0 : (byte) '\n';
    }

    /** Returns the next {@code --batch[-check]} line (up to its first NUL), or null at the end of the input. */
    Line next() throws IOException {
        String s = nextLine();
        return s == null ? null : parse(cString(s));
    }

    /**
     * Returns the next line whole, without its terminator (and, for newline-ended lines, without a
     * trailing {@code '\r'}), NUL bytes included; or null at the end of the input.
     */
    String nextLine() throws IOException {
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
                    return ll == 0 ? null : text(ll);
                }
            } else {
                byte b = buf[pos++];
                if (b == term) {
                    return text(ll);
                }
                if (ll == maxLine) {
                    throw CliException.fatal("input line longer than " + maxLine + " bytes");
                }
                if (ll == line.length) {
                    line = Arrays.copyOf(line, (int) Math.min(ll * 2L, maxLine));
                }
                line[ll++] = b;
            }
        }
    }

    /** The part of {@code s} before its first NUL: what git's C-string handling of a line sees. */
    static String cString(String s) {
        int z = s.indexOf('\0');
        return z < 0 ? s : s.substring(0, z);
    }

    private String text(int ll) {
        if (!nul && ll > 0 && line[ll - 1] == '\r') {
            ll--;
        }
        return new String(line, 0, ll, StandardCharsets.ISO_8859_1);
    }

    private Line parse(String s) {
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
