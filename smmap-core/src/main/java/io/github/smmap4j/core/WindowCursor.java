package io.github.smmap4j.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A client's handle on one file: points at (and pins) one mapped region at a time.
 *
 * <p>Single-thread. {@link #useRegion} moves the cursor; while it points at a region that region
 * cannot be unmapped, so reads of {@link #segment()} need no locking. Close it to let the manager
 * forget the file.
 */
public final class WindowCursor implements AutoCloseable {
    private final RegionManager manager;
    private final MapRegionList file;
    private MapRegion region;
    private boolean closed;

    WindowCursor(RegionManager manager, MapRegionList file) {
        this.manager = manager;
        this.file = file;
    }

    /**
     * Points this cursor at a region holding {@code [offset, offset + size)}, or as much of it as
     * the file has. Cheap when the current region already holds it.
     *
     * @return false (and no region) when {@code offset >= fileSize()}
     * @throws IllegalArgumentException if offset or size is negative
     * @throws IOException if the file cannot be mapped even after a collect, or changed on disk
     */
    public boolean useRegion(long offset, long size) throws IOException {
        ensureOpen();
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException(file.path + ": negative offset or size: offset=" + offset
                    + " size=" + size);
        }
        if (offset >= file.fileSize) {
            unuseRegion();
            return false;
        }
        long end = offset + Math.min(Math.max(size, 1), file.fileSize - offset);
        MapRegion r = region;
        if (r != null && r.ofs <= offset && end <= r.ofs + r.size) {
            return true;
        }
        region = null; // if acquire fails, the old region has already been released
        region = manager.acquire(file, r, offset, end);
        return true;
    }

    /** Returns true while the cursor points at a region; false once the cursor or its manager is closed. */
    public boolean isValid() {
        return region != null && !closed && manager.isOpen();
    }

    /** Returns the file offset of the first byte of the current region. */
    public long ofsBegin() {
        return current().ofs;
    }

    /** Returns the file offset one past the last byte of the current region. */
    public long ofsEnd() {
        return current().ofsEnd();
    }

    /** Returns the size of the current region in bytes. */
    public long size() {
        return current().size;
    }

    /** Returns true if the current region holds file offset {@code ofs}. */
    public boolean includesOffset(long ofs) {
        MapRegion r = region;
        return r != null && r.ofs <= ofs && ofs < r.ofs + r.size;
    }

    /** Returns the size of the file as seen when this cursor was made. */
    public long fileSize() {
        return file.fileSize;
    }

    /** Returns the absolute, normalized path of the file. */
    public Path path() {
        return file.path;
    }

    /** Returns the current region's bytes; byte 0 is file offset {@link #ofsBegin()}. */
    public MemorySegment segment() {
        return current().segment;
    }

    /**
     * Returns a read-only {@link ByteBuffer} view of the current region (at most 2 GiB).
     * Do not hand it to native code if the file may be truncated underneath: see the README.
     */
    public ByteBuffer buffer() {
        MapRegion r = current();
        if (r.size > Integer.MAX_VALUE) {
            throw new IllegalStateException(file.path + ": region of " + r.size + " bytes exceeds a ByteBuffer");
        }
        return r.segment.asByteBuffer().asReadOnlyBuffer();
    }

    /** Releases the current region (it stays mapped until evicted) and makes the cursor invalid. */
    public void unuseRegion() {
        MapRegion r = region;
        if (r != null) {
            region = null;
            manager.release(r);
        }
    }

    /** Returns a new cursor on the same file pointing at the same region. */
    public WindowCursor copy() {
        ensureOpen();
        WindowCursor c = manager.copyCursor(file);
        MapRegion r = region;
        if (r != null) {
            manager.share(r);
            c.region = r;
        }
        return c;
    }

    /** Releases the region and detaches from the file; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            MapRegion r = region;
            region = null;
            manager.closeCursor(file, r);
        }
    }

    @Override
    public String toString() {
        MapRegion r = region;
        return "WindowCursor[" + file.path + (r == null ? ", no region" : ", " + r.ofs + ".." + r.ofsEnd()) + "]";
    }

    private MapRegion current() {
        ensureOpen();
        MapRegion r = region;
        if (r == null) {
            throw new IllegalStateException(file.path + ": cursor has no region; call useRegion first");
        }
        return r;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(file.path + ": cursor is closed");
        }
        manager.ensureOpen();
    }
}
