package io.github.smmap4j.pack;

import java.nio.file.Path;

/**
 * git's delta format: base size and result size varints, then instructions. A byte with the top
 * bit set copies a range of the base (offset and size bytes selected by its low 7 bits); a
 * byte 1–127 inserts that many literal bytes; 0 is reserved. Every length is checked before use.
 *
 * <p>One decoder serves whole deltas ({@link #applyInto}) and streamed ones ({@link DeltaStream}):
 * {@link #header} reads and checks the two sizes, {@link #instruction} decodes and checks one
 * instruction into a {@code long} word (no allocation, no side fields), read with
 * {@link #isCopy}, {@link #length}, {@link #copyOffset} and {@link #next}.
 */
final class Delta {
    /** Results larger than this are impossible (and keep {@link #header}'s packed answer exact). */
    private static final long MAX_RESULT = 1L << 57;
    private static final long COPY = 1L << 28;

    private Delta() {
    }

    /** Returns the base size declared in the header of {@code delta}, or throws if malformed. */
    static long baseSize(byte[] delta, int len, Path file, long offset) throws CorruptPackException {
        return varints(delta, len, file, offset, 0);
    }

    /** Returns the result size declared in the header of {@code delta}, or throws if malformed. */
    static long resultSize(byte[] delta, int len, Path file, long offset) throws CorruptPackException {
        return varints(delta, len, file, offset, 1);
    }

    /**
     * Reads and checks the delta header against a base of {@code baseLen} bytes: the source size
     * must match, and the result size must be possible (each instruction byte yields at most
     * {@code max(baseLen, 127)} bytes) and within {@code maxResult}.
     *
     * @return {@code resultSize << 5 | start}, {@code start} being the index of the first
     *         instruction: read them with {@link #headerResult} and {@link #headerStart}
     */
    static long header(byte[] delta, int deltaLen, long baseLen, long maxResult, Path file, long offset)
            throws CorruptPackException {
        long src = varints(delta, deltaLen, file, offset, 0);
        if (src != baseLen) {
            throw new CorruptPackException(file, offset, "delta base size " + src + " does not match base of " + baseLen + " bytes");
        }
        long res = varints(delta, deltaLen, file, offset, 1);
        int start = (int) varints(delta, deltaLen, file, offset, 2);
        long per = Math.max(baseLen, 127);
        long instructions = deltaLen - start;
        long bound = per > MAX_RESULT / Math.max(1, instructions) ? MAX_RESULT : instructions * per;
        if (res > maxResult || res > bound || res > MAX_RESULT) {
            throw new CorruptPackException(file, offset, "delta result size " + res + " is impossible or over the limit");
        }
        return res << 5 | start;
    }

    /** The result size of a {@link #header} answer. */
    static long headerResult(long header) {
        return header >>> 5;
    }

    /** The index of the first instruction of a {@link #header} answer. */
    static int headerStart(long header) {
        return (int) (header & 31);
    }

    /**
     * Decodes the instruction at {@code delta[i]} ({@code i < end}) against a base of
     * {@code baseLen} bytes: a copy must lie within the base, an insert's literal bytes within
     * {@code delta[0, end)}, and 0 is refused.
     *
     * @return the instruction word: bits 0-3 the instruction's own bytes (the literal bytes of an
     *         insert follow them), bits 4-27 the length, bit 28 set for a copy, bits 29-60 its offset
     */
    static long instruction(byte[] delta, int i, int end, long baseLen, Path file, long offset)
            throws CorruptPackException {
        int cmd = delta[i] & 0xff;
        if (cmd == 0) {
            throw new CorruptPackException(file, offset, "delta has reserved instruction 0 at byte " + i);
        }
        if ((cmd & 0x80) == 0) {
            if (cmd > end - i - 1) {
                throw truncated(file, offset);
            }
            return (long) cmd << 4 | 1;
        }
        int p = i + 1;
        long cpOff = 0;
        int cpSize = 0;
        if ((cmd & 0x7f) == 0x7f && p + 7 <= end) {
            // Common case, all offset and size bytes present: no per-byte bounds checks.
            cpOff = (delta[p] & 0xff) | (delta[p + 1] & 0xff) << 8 | (delta[p + 2] & 0xff) << 16
                    | (long) (delta[p + 3] & 0xff) << 24;
            cpSize = (delta[p + 4] & 0xff) | (delta[p + 5] & 0xff) << 8 | (delta[p + 6] & 0xff) << 16;
            p += 7;
        } else {
            for (int b = 0; b < 7; b++) {
                if ((cmd & (1 << b)) != 0) {
                    if (p >= end) {
                        throw truncated(file, offset);
                    }
                    long v = delta[p++] & 0xff;
                    if (b < 4) {
                        cpOff |= v << (8 * b);
                    } else {
                        cpSize |= (int) v << (8 * (b - 4));
                    }
                }
            }
        }
        if (cpSize == 0) {
            cpSize = 0x10000;
        }
        if (cpOff + cpSize > baseLen) {
            throw new CorruptPackException(file, offset, "delta copies [" + cpOff + ", " + (cpOff + cpSize)
                    + ") out of a base of " + baseLen + " bytes");
        }
        return cpOff << 29 | COPY | (long) cpSize << 4 | (p - i);
    }

    /** True if the instruction word is a copy (else an insert). */
    static boolean isCopy(long word) {
        return (word & COPY) != 0;
    }

    /** The number of bytes the instruction word copies or inserts. */
    static int length(long word) {
        return (int) (word >>> 4) & 0xffffff;
    }

    /** The base offset a copy word copies from. */
    static long copyOffset(long word) {
        return word >>> 29;
    }

    /** The index of the instruction after the word decoded at {@code i}. */
    static int next(long word, int i) {
        int own = (int) (word & 15);
        return i + own + (isCopy(word) ? 0 : length(word));
    }

    /**
     * Applies {@code delta[0, deltaLen)} to {@code base[0, baseLen)}.
     *
     * @param maxResult the largest result the caller accepts
     */
    static byte[] apply(byte[] base, int baseLen, byte[] delta, int deltaLen, long maxResult,
                        Path file, long offset) throws CorruptPackException {
        long h = header(delta, deltaLen, baseLen, Math.min(maxResult, Limits.MAX_ARRAY), file, offset);
        int resSize = (int) headerResult(h);
        byte[] out = new byte[resSize];
        applyInto(base, baseLen, delta, deltaLen, headerStart(h), out, resSize, file, offset);
        return out;
    }

    /**
     * Runs the instructions {@code delta[start, deltaLen)} against {@code base[0, baseLen)},
     * writing exactly {@code resSize} bytes to {@code out[0, resSize)} ({@code out} may be longer).
     */
    static void applyInto(byte[] base, int baseLen, byte[] delta, int deltaLen, int start, byte[] out, int resSize,
                          Path file, long offset) throws CorruptPackException {
        if (out.length < resSize) {
            throw new IllegalArgumentException("output of " + out.length + " bytes cannot hold " + resSize);
        }
        int o = 0;
        for (int i = start; i < deltaLen; ) {
            long w = instruction(delta, i, deltaLen, baseLen, file, offset);
            int n = length(w);
            if (n > resSize - o) {
                throw overflow(file, offset, resSize);
            }
            if (isCopy(w)) {
                System.arraycopy(base, (int) copyOffset(w), out, o, n);
            } else {
                System.arraycopy(delta, i + 1, out, o, n);
            }
            o += n;
            i = next(w, i);
        }
        if (o != resSize) {
            throw new CorruptPackException(file, offset, "delta produced " + o + " bytes, header declared " + resSize);
        }
    }

    /** The {@code which}-th header value: 0 the source size, 1 the result size, 2 the header's length. */
    private static long varints(byte[] d, int len, Path file, long offset, int which) throws CorruptPackException {
        int i = 0;
        for (int k = 0; ; k++) {
            long v = 0;
            int shift = 0;
            int c;
            do {
                if (i >= len) {
                    throw truncated(file, offset);
                }
                if (shift > 56) {
                    throw new CorruptPackException(file, offset, "delta header size varint overflows");
                }
                c = d[i++] & 0xff;
                v |= (long) (c & 0x7f) << shift;
                shift += 7;
            } while ((c & 0x80) != 0);
            if (k == which) {
                return v;
            }
            if (k == 1) {
                return i;
            }
        }
    }

    static CorruptPackException truncated(Path file, long offset) {
        return new CorruptPackException(file, offset, "delta instructions are truncated");
    }

    static CorruptPackException overflow(Path file, long offset, long size) {
        return new CorruptPackException(file, offset, "delta writes past its declared result size " + size);
    }
}
