package io.github.smmap4j.pack;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Inflater;

/**
 * Per-thread reading state, reused across objects: a few cursors per pack (one per window
 * recently read, up to {@link PackFile#cursorsPerReader()}, so random reads that come back to a
 * window this reader holds do not go to the map manager), one inflater (and the
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
    private static final WindowCursor[] NONE = {};
    /** Confined to the reader's thread: per pack id, its cursors, most recently used first (null slots last). */
    private WindowCursor[][] cursors = new WindowCursor[8][];
    private boolean closed;

    /**
     * How many cursors of a pack of {@code packSize} bytes one reader keeps (its share, fixed
     * when the pack is opened): one per window of the pack, at most 8, while 32 readers pinning
     * that many stay within the map limit (pins of one window by many readers map it once; the rule keeps even
     * readers pinning distinct windows of many packs from overrunning it by much); 1 when files
     * are mapped whole.
     */
    static int cursorsPerPack(ManagerStats s, long packSize) {
        long w = s.windowSize();
        if (w <= 0) {
            return 1;
        }
        long windows = Math.ceilDiv(packSize, w);
        long fit = Math.min(s.maxMappedMemory() / (32 * w), s.maxOpenRegions() / 32);
        return (int) Math.max(1, Math.min(8, Math.min(windows, fit)));
    }

    /**
     * Returns a cursor of {@code pack} for reading at {@code pos}: the one whose window holds
     * {@code pos}, else a new one while the pack has fewer than its share, else the least
     * recently used (the caller's read then moves it).
     */
    WindowCursor cursor(PackFile pack, long pos) throws IOException {
        if (closed) {
            throw new IllegalStateException("reader is closed");
        }
        int id = pack.id;
        if (id >= cursors.length) {
            cursors = Arrays.copyOf(cursors, Math.max(id + 1, cursors.length * 2));
        }
        WindowCursor[] set = cursors[id];
        if (set == null) {
            set = new WindowCursor[pack.cursorsPerReader()];
            cursors[id] = set;
        }
        int i = 0;
        while (i < set.length - 1 && set[i] != null && !set[i].holds(pos)) {
            i++;
        }
        WindowCursor c = set[i];
        if (c == null) {
            c = pack.newCursor();
        }
        System.arraycopy(set, 0, set, 1, i); // most recently used first
        set[0] = c;
        return c;
    }

    /** Drops the cursors of a pack that went away. */
    void forget(PackFile pack) {
        if (pack.id < cursors.length && cursors[pack.id] != null) {
            for (WindowCursor c : cursors[pack.id]) {
                if (c != null) {
                    c.close();
                }
            }
            cursors[pack.id] = null;
        }
    }

    /** Releases pinned windows so an idle reader does not keep memory mapped. */
    void unpinAll() {
        for (WindowCursor[] set : cursors) {
            for (WindowCursor c : set == null ? NONE : set) {
                if (c != null) {
                    c.unuseRegion();
                }
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            zlib.end();
            for (WindowCursor[] set : cursors) {
                for (WindowCursor c : set == null ? NONE : set) {
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
}
