package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reader's hard size limits, in one place: the largest array the JVM can make, and what a
 * zlib stream can expand to. Every declared size is checked against them before an array is made.
 */
final class Limits {
    /** The largest Java array the reader allocates (a few bytes under the VM's limit). */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** zlib cannot expand input by more than about 1032:1; a larger declared size is a lie. */
    static final long MAX_INFLATE_RATIO = 1032;

    private Limits() {
    }

    /**
     * Returns {@code size} as an array length, or throws naming the entry when it exceeds
     * {@code max} (the configured cap) or the largest array.
     */
    static int arraySize(long size, long max, String what, Path file, long offset) throws CorruptPackException {
        if (size > max || size > MAX_ARRAY) {
            throw new CorruptPackException(file, offset, what + " of " + size + " bytes exceeds the limit of "
                    + Math.min(max, MAX_ARRAY));
        }
        return (int) size;
    }

    /** True if {@code declared} bytes could come out of {@code compressed} bytes of zlib data. */
    static boolean inflatable(long declared, long compressed) {
        return declared <= compressed * MAX_INFLATE_RATIO + 64;
    }

    /**
     * Returns {@code buf} if it holds {@code need} bytes, else a new array of at least
     * {@code need} bytes, doubling so that a growing run of objects reallocates rarely
     * ({@code need} must already be checked against the caller's size cap).
     */
    static byte[] atLeast(byte[] buf, long need) {
        if (buf.length >= need) {
            return buf;
        }
        return new byte[(int) Math.max(need, Math.min(MAX_ARRAY, 2L * buf.length))];
    }

    /**
     * Reads {@code file} whole, refusing one longer than {@code max} bytes after reading no more
     * than that (the {@code maxMetadataFileSize} cap on the config, packed-refs and reflogs); the
     * array grows with what the file really holds.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    static byte[] readWhole(Path file, long max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) Math.min(max, MAX_ARRAY - 1) + 1);
            if (b.length > max) {
                throw new CorruptPackException(file, max, "file is longer than the limit of " + max
                        + " bytes (maxMetadataFileSize)");
            }
            return b;
        }
    }
}
