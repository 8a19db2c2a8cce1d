package io.github.smmap4j.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A client's handle on one file: points at (and pins) one mapped region at a time.
 *
 * <p>Single-thread. {@link #useRegion} moves the cursor; while it points at a region that region
 * cannot be unmapped, so reads of {@link #segment()} need no locking. {@link #copyTo} is the one
 * routine for copying mapped bytes to the heap: it moves the cursor as needed and reports a file
 * truncated underneath its mapping as {@link MappedFileTruncatedException}. Close the cursor to let
 * the manager forget the file.
 */
public final class WindowCursor implements AutoCloseable {
    /**
     * Effectively immutable (deliberately not final, see below). Makes a fault of the copy just made
     * surface inside {@link #copyTo}'s {@code try}. HotSpot
     * reports a fault in an unsafe memory access asynchronously, at the thread's next safepoint
     * poll; once the JIT has inlined {@code copyTo} into its caller, that poll lies in the caller,
     * past the catch (on JDK 25: every time, once hot). A call that the JIT cannot inline, through a
     * handle that is not a constant (hence not {@code final}), polls on its return, inside the
     * {@code try}, for about 3 ns. {@code CopyToTest} checks the cold and the hot case.
     */
    private static MethodHandle faultBarrier = passThroughHandle();

    /** Immutable. */
    private final RegionManager manager;
    /** Immutable: the file version this cursor reads. */
    private final MapRegionList file;
    /** Confined to the cursor's thread: the pinned region, or null. */
    private MapRegion region;
    /** Confined to the cursor's thread. */
    private boolean closed;
    /** Confined to the cursor's thread: bytes read through at {@link #readOfs} (see {@link #copyTo}), or null. */
    private byte[] readBuf;
    /** Confined to the cursor's thread: file offset of readBuf[0]. */
    private long readOfs;
    /** Confined to the cursor's thread: valid bytes in readBuf (0 = none). */
    private int readLen;

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
        region = manager.acquire(file, r, offset, end, false);
        return true;
    }

    /**
     * Copies mapped bytes of the file, starting at file offset {@code pos}, to
     * {@code dst[off, off + len)}: as many as the region holding {@code pos} has from there, at most
     * {@code len}. This is the one boundary between mapped memory and the heap: a caller that wants
     * all {@code len} bytes loops, advancing {@code pos} and {@code off} by the count returned.
     *
     * <p>The cursor moves (as by {@link #useRegion useRegion(pos, len)}) only when its current
     * region does not hold {@code pos}; at or past the end of the file it does not move. Under map
     * pressure (mapping the window would evict another or overrun a limit) the copy is served by
     * positional reads instead, and the cursor is left without a region ({@link #isValid} false):
     * a window is mapped only once it has been read through several times (see
     * {@link ManagerStats#readThroughs}).
     *
     * @param pos file offset of the first byte to copy
     * @param dst the array to copy into
     * @param off index in {@code dst} of the first byte written
     * @param len maximum number of bytes to copy
     * @return the number of bytes copied, between 1 and {@code len} when {@code len > 0} and
     *         {@code pos < fileSize()}; 0 when {@code len == 0}; -1 when {@code len > 0} and
     *         {@code pos >= fileSize()}
     * @throws IllegalArgumentException if {@code pos} is negative
     * @throws IndexOutOfBoundsException if {@code off} or {@code len} is negative or
     *         {@code off + len > dst.length}
     * @throws MappedFileTruncatedException if the file was truncated underneath the mapping and the
     *         copy touched bytes past its new end
     * @throws IOException if the region cannot be mapped, or the file changed on disk (see
     *         {@link #useRegion})
     * @throws IllegalStateException if the cursor or its manager is closed
     */
    public int copyTo(long pos, byte[] dst, int off, int len) throws IOException {
        ensureOpen();
        if (pos < 0) {
            throw new IllegalArgumentException(file.path + ": negative position " + pos);
        }
        Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= file.fileSize) {
            return -1;
        }
        MapRegion r = region;
        if (r == null || pos < r.ofs || pos >= r.ofs + r.size) {
            if (bufferHolds(pos)) {
                int n = (int) Math.min(len, readOfs + readLen - pos);
                System.arraycopy(readBuf, (int) (pos - readOfs), dst, off, n);
                return n;
            }
            region = null; // if acquire fails, the old region has already been released
            region = manager.acquire(file, r, pos, pos + Math.min(len, file.fileSize - pos), true);
            if (region == null) {
                return readThrough(pos, dst, off, len);
            }
            r = region;
        }
        int n = (int) Math.min(len, r.ofs + r.size - pos);
        try {
            MemorySegment.copy(r.segment, ValueLayout.JAVA_BYTE, pos - r.ofs, dst, off, n);
            return (int) faultBarrier.invokeExact(n);
        } catch (InternalError e) { // HotSpot's report of a SIGBUS: the file shrank under the mapping
            throw new MappedFileTruncatedException(file.path, pos, e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("the fault barrier throws nothing checked", t);
        }
    }

    /**
     * Serves a copy by positional reads (map pressure, see the manager): a large copy straight into
     * {@code dst}, a small one through this cursor's buffer, which later small copies nearby reuse.
     */
    private int readThrough(long pos, byte[] dst, int off, int len) throws IOException {
        if (len >= RegionManager.READ_THROUGH_SIZE) {
            int n = (int) Math.min(Math.min(len, RegionManager.READ_THROUGH_MAX), file.fileSize - pos);
            manager.readThrough(file, pos, dst, off, n);
            return n;
        }
        if (readBuf == null) {
            readBuf = new byte[RegionManager.READ_THROUGH_SIZE];
        }
        long start = RegionManager.alignDown(pos);
        int want = (int) Math.min(readBuf.length, file.fileSize - start);
        readLen = 0;
        manager.readThrough(file, start, readBuf, 0, want);
        readOfs = start;
        readLen = want;
        int n = (int) Math.min(len, start + want - pos);
        System.arraycopy(readBuf, (int) (pos - start), dst, off, n);
        return n;
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

    /**
     * Returns true if a {@link #copyTo} at {@code ofs} is served without asking the manager: the
     * current region holds it, or the bytes the cursor last read through under map pressure do.
     */
    public boolean holds(long ofs) {
        return includesOffset(ofs) || bufferHolds(ofs);
    }

    /** Returns true if the bytes last read through hold file offset {@code ofs}. */
    private boolean bufferHolds(long ofs) {
        return readLen > 0 && readOfs <= ofs && ofs < readOfs + readLen;
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

    private static int passThrough(int n) {
        return n;
    }

    private static MethodHandle passThroughHandle() {
        try {
            return MethodHandles.lookup().findStatic(WindowCursor.class, "passThrough",
                    MethodType.methodType(int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
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
