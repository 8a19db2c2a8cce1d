package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The one inflate loop: inflates a pack entry's zlib stream out of mapped windows, copying the
 * compressed bytes chunk by chunk into a heap buffer first (mapped memory never reaches native
 * zlib: see DESIGN.md). Whole reads ({@link PackFile#inflate}), prefix reads and streams
 * ({@link PackStream}) all run on it. Single-thread; reusable with {@link #start}.
 */
final class PackInflater {
    /** Compressed bytes are copied from the window in chunks of at most this size. */
    static final int CHUNK = 64 * 1024;

    private final Inflater inflater;
    private final byte[] chunk;
    private final byte[] one = new byte[1];
    private PackFile pack;
    private WindowCursor cursor;
    private long entry;      // offset of the entry, for messages
    private long start;      // offset of the zlib stream
    private long pos;        // next compressed byte to copy
    private long declared;   // the size the header declared
    private long produced;
    private int want;        // size of the next copy

    /** Inflates with {@code inflater} (which the caller ends) through a chunk buffer of {@link #CHUNK} bytes. */
    PackInflater(Inflater inflater) {
        this.inflater = inflater;
        this.chunk = new byte[CHUNK];
    }

    /** Positions on the zlib stream of {@code entry} at {@code dataOffset}, declared to inflate to {@code declared} bytes. */
    void start(PackFile pack, WindowCursor cursor, long entry, long dataOffset, long declared) {
        inflater.reset();
        this.pack = pack;
        this.cursor = cursor;
        this.entry = entry;
        this.start = dataOffset;
        this.pos = dataOffset;
        this.declared = declared;
        this.produced = 0;
        // Small objects: copy about as many compressed bytes as the object has, not a full chunk.
        this.want = (int) Math.min(CHUNK, declared + 64);
    }

    /**
     * Inflates up to {@code len} (at least 1) bytes into {@code out[off, off + len)}.
     *
     * @return the number of bytes produced, at least 1
     * @throws CorruptPackException if the stream ends before the declared size, is damaged or stalls
     */
    int read(byte[] out, int off, int len) throws IOException {
        try {
            int stalls = 0;
            while (true) {
                if (inflater.needsInput()) {
                    feed();
                }
                int n = inflater.inflate(out, off, len);
                if (n > 0) {
                    produced += n;
                    return n;
                }
                if (inflater.finished()) {
                    throw new CorruptPackException(pack.packPath, entry, "data inflates to " + produced
                            + " bytes, header declared " + declared);
                }
                stalled(++stalls);
            }
        } catch (DataFormatException e) {
            throw new CorruptPackException(pack.packPath, entry, "bad zlib data: " + e.getMessage(), e);
        }
    }

    /** Reads exactly {@code len} bytes into {@code out[off, off + len)}. */
    void readFully(byte[] out, int off, int len) throws IOException {
        for (int done = 0; done < len; ) {
            done += read(out, off + done, len - done);
        }
    }

    /** Checks that the stream ends here, producing nothing more (it must not hold more than declared). */
    void expectEnd() throws IOException {
        try {
            int stalls = 0;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    feed();
                }
                if (inflater.inflate(one, 0, 1) > 0) {
                    throw new CorruptPackException(pack.packPath, entry, "data inflates to more than the declared "
                            + declared + " bytes");
                }
                if (!inflater.finished()) {
                    stalled(++stalls);
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptPackException(pack.packPath, entry, "bad zlib data: " + e.getMessage(), e);
        }
    }

    /** Returns the compressed bytes consumed so far. */
    long consumed() {
        return pos - inflater.getRemaining() - start;
    }

    /** Bytes produced so far. */
    long produced() {
        return produced;
    }

    /** A call that produced nothing although input was there: a preset dictionary or damage. */
    private void stalled(int stalls) throws CorruptPackException {
        if (!inflater.needsInput() && (inflater.needsDictionary() || stalls > 2)) {
            throw new CorruptPackException(pack.packPath, entry, "zlib stream makes no progress");
        }
    }

    private void feed() throws IOException {
        if (pos >= pack.dataEnd) {
            throw new CorruptPackException(pack.packPath, entry, "compressed data runs past the end of the pack");
        }
        int n = pack.copy(cursor, pos, chunk, 0, (int) Math.min(want, pack.dataEnd - pos), entry);
        inflater.setInput(chunk, 0, n);
        pos += n;
        want = CHUNK;
    }
}
