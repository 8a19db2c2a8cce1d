package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The contract the content streams share ({@link PackStream}, {@link DeltaStream}): argument
 * checks, a closed stream refusing reads, single-byte reads that allocate nothing, and an
 * idempotent close. Subclasses only produce bytes and release what they hold.
 */
abstract class ObjectStream extends InputStream {
    private final byte[] one = new byte[1];
    private final Path file;
    private boolean closed;

    ObjectStream(Path file) {
        this.file = file;
    }

    /** Produces at least 1 and at most {@code len} (≥ 1) bytes into {@code b[off, ...)}, or -1 at the end. */
    abstract int produce(byte[] b, int off, int len) throws IOException;

    /** Releases what the stream holds (called once). */
    abstract void release() throws IOException;

    @Override
    public final int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(file + ": stream is closed");
        }
        return len == 0 ? 0 : produce(b, off, len);
    }

    @Override
    public final void close() throws IOException {
        if (!closed) {
            closed = true;
            release();
        }
    }
}
