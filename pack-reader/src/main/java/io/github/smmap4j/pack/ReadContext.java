package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Inflater;

/**
 * Per-thread reading state, reused across objects: one cursor per pack, one inflater, the chunk
 * buffer that compressed bytes are copied into, and the header fields of the last parsed entry.
 */
final class ReadContext implements AutoCloseable {
    /** Compressed bytes are copied from the window in chunks of at most this size. */
    static final int CHUNK = 64 * 1024;

    final MapManager manager;
    final Inflater inflater = new Inflater();
    final DeflatePrefix prefix = new DeflatePrefix();
    final byte[] chunk = new byte[CHUNK];
    final byte[] scratch = new byte[64];
    private WindowCursor[] cursors = new WindowCursor[8];
    private boolean closed;

    // Fields of the last entry header parsed by PackFile.parseHeader (no allocation per entry).
    int typeCode;
    long size;
    long dataOffset;
    long baseOffset;
    final byte[] baseId = new byte[32];

    /**
     * Returns {@code buf} if it holds {@code need} bytes, else a new array of at least
     * {@code need} bytes, doubling so that a growing run of objects reallocates rarely
     * ({@code need} must already be checked against the caller's size cap).
     */
    static byte[] atLeast(byte[] buf, long need) {
        if (buf.length >= need) {
            return buf;
        }
        return new byte[(int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length))];
    }

    ReadContext(MapManager manager) {
        this.manager = manager;
    }

    WindowCursor cursor(PackFile pack) throws IOException {
        if (closed) {
            throw new IllegalStateException("reader is closed");
        }
        int id = pack.id;
        if (id >= cursors.length) {
            cursors = Arrays.copyOf(cursors, Math.max(id + 1, cursors.length * 2));
        }
        WindowCursor c = cursors[id];
        if (c == null) {
            c = pack.newCursor();
            cursors[id] = c;
        }
        return c;
    }

    /** Drops the cursor of a pack that went away. */
    void forget(PackFile pack) {
        if (pack.id < cursors.length && cursors[pack.id] != null) {
            cursors[pack.id].close();
            cursors[pack.id] = null;
        }
    }

    /** Releases pinned windows so an idle reader does not keep memory mapped. */
    void unpinAll() {
        for (WindowCursor c : cursors) {
            if (c != null) {
                c.unuseRegion();
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inflater.end();
            for (WindowCursor c : cursors) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (IllegalStateException managerAlreadyClosed) {
                        // nothing left to release
                    }
                }
            }
        }
    }
}
