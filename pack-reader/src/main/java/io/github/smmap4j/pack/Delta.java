package io.github.smmap4j.pack;

import java.nio.file.Path;

/**
 * git's delta format: base size and result size varints, then instructions. A byte with the top
 * bit set copies a range of the base (offset and size bytes selected by its low 7 bits); a
 * byte 1–127 inserts that many literal bytes; 0 is reserved. Every length is checked before use.
 */
final class Delta {
    private Delta() {
    }

    /** Returns the result size declared in the header of {@code delta}, or throws if malformed. */
    static long resultSize(byte[] delta, int len, Path file, long offset) throws CorruptPackException {
        int[] pos = {0};
        varint(delta, len, pos, file, offset);
        return varint(delta, len, pos, file, offset);
    }

    /**
     * Applies {@code delta[0, deltaLen)} to {@code base[0, baseLen)}.
     *
     * @param maxResult the largest result the caller accepts
     */
    static byte[] apply(byte[] base, int baseLen, byte[] delta, int deltaLen, long maxResult,
                        Path file, long offset) throws CorruptPackException {
        int[] p = {0};
        long srcSize = varint(delta, deltaLen, p, file, offset);
        if (srcSize != baseLen) {
            throw new CorruptPackException(file, offset, "delta base size " + srcSize + " does not match base of " + baseLen + " bytes");
        }
        long resSize = varint(delta, deltaLen, p, file, offset);
        // Each instruction byte yields at most max(base, 127) bytes: a bound no honest delta exceeds.
        long bound = (long) (deltaLen - p[0]) * Math.max(baseLen, 127);
        if (resSize > maxResult || resSize > bound || resSize > Integer.MAX_VALUE - 16) {
            throw new CorruptPackException(file, offset, "delta result size " + resSize + " is impossible or over the limit");
        }
        byte[] out = new byte[(int) resSize];
        int o = 0;
        int i = p[0];
        while (i < deltaLen) {
            int cmd = delta[i++] & 0xff;
            if ((cmd & 0x80) != 0) {
                long cpOff = 0;
                int cpSize = 0;
                for (int b = 0; b < 4; b++) {
                    if ((cmd & (1 << b)) != 0) {
                        if (i >= deltaLen) {
                            throw truncated(file, offset);
                        }
                        cpOff |= (long) (delta[i++] & 0xff) << (8 * b);
                    }
                }
                for (int b = 0; b < 3; b++) {
                    if ((cmd & (0x10 << b)) != 0) {
                        if (i >= deltaLen) {
                            throw truncated(file, offset);
                        }
                        cpSize |= (delta[i++] & 0xff) << (8 * b);
                    }
                }
                if (cpSize == 0) {
                    cpSize = 0x10000;
                }
                if (cpOff + cpSize > baseLen) {
                    throw new CorruptPackException(file, offset, "delta copies [" + cpOff + ", " + (cpOff + cpSize)
                            + ") out of a base of " + baseLen + " bytes");
                }
                if (cpSize > out.length - o) {
                    throw overflow(file, offset, resSize);
                }
                System.arraycopy(base, (int) cpOff, out, o, cpSize);
                o += cpSize;
            } else if (cmd != 0) {
                if (cmd > deltaLen - i) {
                    throw truncated(file, offset);
                }
                if (cmd > out.length - o) {
                    throw overflow(file, offset, resSize);
                }
                System.arraycopy(delta, i, out, o, cmd);
                i += cmd;
                o += cmd;
            } else {
                throw new CorruptPackException(file, offset, "delta has reserved instruction 0 at byte " + (i - 1));
            }
        }
        if (o != out.length) {
            throw new CorruptPackException(file, offset, "delta produced " + o + " bytes, header declared " + resSize);
        }
        return out;
    }

    static long varint(byte[] d, int len, int[] pos, Path file, long offset) throws CorruptPackException {
        long v = 0;
        int shift = 0;
        int c;
        do {
            if (pos[0] >= len) {
                throw truncated(file, offset);
            }
            if (shift > 56) {
                throw new CorruptPackException(file, offset, "delta header size varint overflows");
            }
            c = d[pos[0]++] & 0xff;
            v |= (long) (c & 0x7f) << shift;
            shift += 7;
        } while ((c & 0x80) != 0);
        return v;
    }

    private static CorruptPackException truncated(Path file, long offset) {
        return new CorruptPackException(file, offset, "delta instructions are truncated");
    }

    private static CorruptPackException overflow(Path file, long offset, long size) {
        return new CorruptPackException(file, offset, "delta writes past its declared result size " + size);
    }
}
