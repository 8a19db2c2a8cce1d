package io.github.smmap4j.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Random access to a whole file that spans windows transparently, like smmap's
 * {@code SlidingWindowMapBuffer}. Single-thread; close it to release its window.
 */
public final class MappedFileBuffer implements AutoCloseable {
    private final WindowCursor cursor;
    /** Scratch for {@link #get}: all mapped bytes reach the heap through {@link WindowCursor#copyTo}. */
    private final byte[] one = new byte[1];

    MappedFileBuffer(WindowCursor cursor) {
        this.cursor = cursor;
    }

    /** Returns the file's length in bytes as seen when the buffer was made. */
    public long length() {
        return cursor.fileSize();
    }

    /** Returns the path of the file. */
    public Path path() {
        return cursor.path();
    }

    /**
     * Returns the byte at {@code pos}.
     *
     * @throws IndexOutOfBoundsException if {@code pos} is outside {@code [0, length())}
     * @throws MappedFileTruncatedException if the file was truncated underneath the mapping below {@code pos}
     */
    public byte get(long pos) throws IOException {
        if (pos < 0 || pos >= cursor.fileSize()) {
            throw new IndexOutOfBoundsException(cursor.path() + ": position " + pos + " outside [0, "
                    + cursor.fileSize() + ")");
        }
        cursor.copyTo(pos, one, 0, 1); // moves the cursor as useRegion(pos, 1) would, if needed
        return one[0];
    }

    /**
     * Copies up to {@code len} bytes starting at {@code pos} into {@code dst}, crossing windows
     * as needed.
     *
     * @return the number of bytes copied: {@code len} unless the file ends first; -1 if
     *         {@code pos >= length()} and {@code len > 0}
     * @throws IndexOutOfBoundsException if {@code pos} is negative or {@code off}/{@code len} do not fit {@code dst}
     * @throws MappedFileTruncatedException if the file was truncated underneath the mapping below {@code pos + len}
     */
    public int read(long pos, byte[] dst, int off, int len) throws IOException {
        if (pos < 0) {
            throw new IndexOutOfBoundsException(cursor.path() + ": negative position " + pos);
        }
        Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= cursor.fileSize()) {
            return -1;
        }
        int done = 0;
        while (done < len && pos < cursor.fileSize()) {
            if (!cursor.includesOffset(pos)) {
                // One byte is enough: the manager maps the window around pos, and never more, so a
                // long read slides window by window within the memory limit (copyTo alone would ask
                // for the whole rest of the read, which crosses windows).
                cursor.useRegion(pos, 1);
            }
            int n = cursor.copyTo(pos, dst, off + done, len - done);
            done += n;
            pos += n;
        }
        return done;
    }

    /** Returns a heap copy of {@code [pos, pos + len)}, clipped at the end of the file. */
    public byte[] slice(long pos, int len) throws IOException {
        if (len < 0) {
            throw new IllegalArgumentException(cursor.path() + ": negative length " + len);
        }
        long avail = Math.max(0, cursor.fileSize() - Math.max(pos, 0));
        byte[] out = new byte[(int) Math.min(len, avail)];
        int n = read(pos, out, 0, out.length);
        return n == out.length || out.length == 0 ? out : Arrays.copyOf(out, Math.max(n, 0));
    }

    /** Returns the cursor this buffer reads through (for stats and advanced use). */
    public WindowCursor cursor() {
        return cursor;
    }

    /** Releases the window and the file. */
    @Override
    public void close() {
        cursor.close();
    }
}
