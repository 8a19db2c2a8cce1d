package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Applies a delta to a base read as a stream, producing the result without holding it: copy
 * instructions read the base forward (git's deltas mostly copy in ascending order) and reopen it
 * only when they go backwards. Holds the delta instructions, never the base or the result.
 */
final class DeltaStream extends ObjectStream {
    /** Opens the base positioned at its first byte. */
    @FunctionalInterface
    interface BaseOpener {
        InputStream open() throws IOException;
    }

    private final byte[] delta;
    private final int deltaLen;
    private final BaseOpener baseOpener;
    private final long baseSize;
    private final long resultSize;
    private final Path file;
    private final long offset;
    private int ip;          // next instruction byte
    private long produced;
    private int insertLeft;  // literal bytes left of the current insert instruction
    private long copyFrom;   // base position of the current copy instruction
    private long copyLeft;   // bytes left of the current copy instruction
    private InputStream base;
    private long basePos;
    private boolean baseDrained;

    DeltaStream(byte[] delta, int deltaLen, BaseOpener baseOpener, long baseSize, Path file, long offset) throws IOException {
        super(file);
        this.delta = delta;
        this.deltaLen = deltaLen;
        this.baseOpener = baseOpener;
        this.baseSize = baseSize;
        this.file = file;
        this.offset = offset;
        long h = Delta.header(delta, deltaLen, baseSize, Long.MAX_VALUE, file, offset);
        this.resultSize = Delta.headerResult(h);
        this.ip = Delta.headerStart(h);
    }

    long resultSize() {
        return resultSize;
    }

    @Override
    int produce(byte[] b, int off, int len) throws IOException {
        while (insertLeft == 0 && copyLeft == 0) {
            if (ip >= deltaLen) {
                if (produced != resultSize) {
                    throw new CorruptPackException(file, offset, "delta produced " + produced + " bytes, header declared " + resultSize);
                }
                drainBase();
                return -1;
            }
            decode();
        }
        int n;
        if (insertLeft > 0) {
            n = Math.min(len, insertLeft);
            System.arraycopy(delta, ip, b, off, n);
            ip += n;
            insertLeft -= n;
        } else {
            n = (int) Math.min(len, copyLeft);
            positionBase(copyFrom);
            n = base.read(b, off, n);
            if (n <= 0) {
                throw new CorruptPackException(file, offset, "delta base ended early at " + basePos);
            }
            basePos += n;
            copyFrom += n;
            copyLeft -= n;
        }
        produced += n;
        return n;
    }

    private void decode() throws CorruptPackException {
        long w = Delta.instruction(delta, ip, deltaLen, baseSize, file, offset);
        int n = Delta.length(w);
        if (n > resultSize - produced) {
            throw Delta.overflow(file, offset, resultSize);
        }
        if (Delta.isCopy(w)) {
            copyFrom = Delta.copyOffset(w);
            copyLeft = n;
            ip = Delta.next(w, ip);
        } else {
            insertLeft = n;
            ip++; // the literal bytes follow the instruction byte
        }
    }

    /**
     * Reads the base to its end once, as loading it whole would: only then does its stream check
     * the zlib checksum and its declared size, so damaged base data cannot pass as the copied
     * ranges. Costs inflating the part of the base after the last copy.
     */
    private void drainBase() throws IOException {
        if (baseDrained) {
            return;
        }
        baseDrained = true;
        positionBase(basePos);
        byte[] buf = new byte[8192];
        for (int n; (n = base.read(buf, 0, buf.length)) >= 0; ) {
            basePos += n;
        }
        if (basePos != baseSize) {
            throw new CorruptPackException(file, offset, "delta base has " + basePos + " bytes, expected " + baseSize);
        }
    }

    private void positionBase(long pos) throws IOException {
        if (base == null || pos < basePos) {
            if (base != null) {
                base.close();
            }
            base = baseOpener.open();
            basePos = 0;
        }
        while (basePos < pos) {
            long k = base.skip(pos - basePos);
            if (k <= 0) {
                if (base.read() < 0) {
                    throw new CorruptPackException(file, offset, "delta base ended early at " + basePos);
                }
                k = 1;
            }
            basePos += k;
        }
    }

    @Override
    void release() throws IOException {
        if (base != null) {
            base.close();
        }
    }
}
