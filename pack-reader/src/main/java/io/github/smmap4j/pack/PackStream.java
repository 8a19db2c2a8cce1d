package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Streams a whole (non-delta) pack entry, inflating chunk by chunk out of the mapped windows;
 * holds one cursor and one inflater until closed, never the whole object.
 */
final class PackStream extends InputStream {
    private final byte[] one = new byte[1]; // single-byte reads allocate nothing
    private final PackFile pack;
    private final long entry;
    private final long size;
    private final WindowCursor cursor;
    private final Inflater inflater = new Inflater();
    private final byte[] chunk = new byte[ReadContext.CHUNK];
    private long pos;
    private long produced;
    private boolean closed;

    PackStream(PackFile pack, long entry, long dataOffset, long size) throws IOException {
        this.pack = pack;
        this.entry = entry;
        this.pos = dataOffset;
        this.size = size;
        this.cursor = pack.newCursor();
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
        if (produced == size) {
            checkEnd();
            return -1;
        }
        int want = (int) Math.min(len, size - produced);
        try {
            int stalls = 0;
            while (true) {
                if (inflater.needsInput()) {
                    feed();
                }
                int n = inflater.inflate(b, off, want);
                if (n > 0) {
                    produced += n;
                    return n;
                }
                if (inflater.finished()) {
                    throw new CorruptPackException(pack.packPath, entry, "data ends after " + produced + " of " + size + " bytes");
                }
                if (!inflater.needsInput() && (inflater.needsDictionary() || ++stalls > 2)) {
                    throw new CorruptPackException(pack.packPath, entry, "zlib stream makes no progress");
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptPackException(pack.packPath, entry, "bad zlib data: " + e.getMessage(), e);
        } catch (InternalError e) {
            throw pack.truncatedUnderneath(entry, e);
        }
    }

    private void feed() throws IOException {
        if (pos >= pack.dataEnd) {
            throw new CorruptPackException(pack.packPath, entry, "compressed data runs past the end of the pack");
        }
        int n = (int) Math.min(chunk.length, pack.dataEnd - pos);
        if (!cursor.includesOffset(pos)) {
            cursor.useRegion(pos, n);
        }
        n = (int) Math.min(n, cursor.ofsEnd() - pos);
        MemorySegment.copy(cursor.segment(), ValueLayout.JAVA_BYTE, pos - cursor.ofsBegin(), chunk, 0, n);
        inflater.setInput(chunk, 0, n);
        pos += n;
    }

    /** At the declared size the zlib stream must end: more data means a corrupt entry. */
    private void checkEnd() throws IOException {
        try {
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    feed();
                }
                if (inflater.inflate(one, 0, 1) > 0) {
                    throw new CorruptPackException(pack.packPath, entry, "data inflates to more than the declared " + size + " bytes");
                }
                if (!inflater.finished() && !inflater.needsInput()) {
                    throw new CorruptPackException(pack.packPath, entry, "zlib stream does not end");
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptPackException(pack.packPath, entry, "bad zlib data: " + e.getMessage(), e);
        } catch (InternalError e) {
            throw pack.truncatedUnderneath(entry, e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inflater.end();
            cursor.close();
        }
    }
}
