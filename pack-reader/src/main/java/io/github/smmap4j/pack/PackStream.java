package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.util.zip.Inflater;

/**
 * Streams a whole (non-delta) pack entry, inflating chunk by chunk out of the mapped windows with
 * a {@link PackInflater} of its own; holds one cursor and one inflater until closed, never the
 * whole object. At the declared size the zlib stream must end.
 */
final class PackStream extends ObjectStream {
    private final PackFile pack;
    private final long size;
    private final WindowCursor cursor;
    private final Inflater zlib = new Inflater();
    private final PackInflater inflater = new PackInflater(zlib);
    private boolean ended;

    PackStream(PackFile pack, long entry, long dataOffset, long size) throws IOException {
        super(pack.packPath);
        this.pack = pack;
        this.size = size;
        this.cursor = pack.newCursor();
        inflater.start(pack, cursor, entry, dataOffset, size);
    }

    @Override
    int produce(byte[] b, int off, int len) throws IOException {
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

    /** The compressed bytes read so far: where the zlib stream ended, once it has. */
    long consumed() {
        return inflater.consumed();
    }

    @Override
    void release() {
        zlib.end();
        cursor.close();
    }
}
