package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.nio.file.Path;

/** Index version 1: fan-out, then {@code (offset32, id)} per object, then the trailers. */
final class PackIndexV1 extends PackIndex {
    PackIndexV1(Path path, ObjectFormat format, WindowCursor cursor) throws CorruptPackException {
        super(path, format, cursor, 0);
        expectSize(FANOUT_BYTES + (long) count * (4 + hashLen) + 2L * hashLen, "index v1 size mismatch");
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    long idPos(int n) {
        return FANOUT_BYTES + (long) n * (4 + hashLen) + 4;
    }

    @Override
    public long offsetAt(int n) {
        return Integer.toUnsignedLong(seg.get(INT_BE, FANOUT_BYTES + (long) java.util.Objects.checkIndex(n, count) * (4 + hashLen)));
    }

    @Override
    public boolean hasCrc() {
        return false;
    }

    @Override
    public int crcAt(int n) {
        throw new UnsupportedOperationException(path + ": index version 1 stores no CRC32");
    }
}
