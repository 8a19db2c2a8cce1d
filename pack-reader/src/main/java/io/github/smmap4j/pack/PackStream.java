package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Inflater;

/**
 * Streams a whole (non-delta) pack entry, inflating chunk by chunk out of the mapped windows with
 * a {@link PackInflater} of its own; holds one cursor and one inflater until closed, never the
 * whole object. At the declared size the zlib stream must end.
 */
final class PackStream extends InputStream {
    private final byte[] one = new byte[1]; // single-byte reads allocate nothing
    private final PackFile pack;
    private final long size;
    private final WindowCursor cursor;
    private final Inflater zlib = new Inflater();
    private final PackInflater inflater = new PackInflater(zlib);
    private boolean ended;
    private boolean closed;

    PackStream(PackFile pack, long entry, long dataOffset, long size) throws IOException {
        this.pack = pack;
        this.size = size;
        this.cursor = pack.newCursor();
        inflater.start(pack, cursor, entry, dataOffset, size);
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(pack.packPath + ": stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        long left = size - inflater.produced();
        if (left == 0) {
            if (!ended) {
                inflater.expectEnd();
                ended = true;
            }
            return -1;
        }
        return inflater.read(b, off, (int) Math.min(len, left));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            zlib.end();
            cursor.close();
        }
    }
}
