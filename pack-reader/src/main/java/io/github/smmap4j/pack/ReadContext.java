package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Inflater;

/**
 * Per-thread reading state, reused across objects: one cursor per pack, one inflater (and the
 * {@link PackInflater} loop around it), the Java prefix decoder, and the {@link EntryHeader}
 * that {@link PackFile#parseHeader} fills. Single-thread.
 */
final class ReadContext implements AutoCloseable {
    private final Inflater zlib = new Inflater();
    final PackInflater inflater = new PackInflater(zlib);
    final DeflatePrefix prefix = new DeflatePrefix();
    /** Compressed bytes handed to {@link #prefix}. */
    final byte[] prefixInput = new byte[256];
    /** An entry header's bytes. */
    final byte[] scratch = new byte[64];
    /** The header {@link PackFile#parseHeader} returns. */
    final EntryHeader header = new EntryHeader();
    private WindowCursor[] cursors = new WindowCursor[8];
    private boolean closed;

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
            zlib.end();
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
