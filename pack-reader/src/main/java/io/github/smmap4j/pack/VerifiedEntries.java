package io.github.smmap4j.pack;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the verify workers found, by rank: each entry's resolved type and, for the listing, its
 * delta depth and header size; and how many entries are resolved, reported to a progress
 * listener every 1024. Each rank is written once, by the worker that resolved it; the verifier
 * reads the table after joining the workers.
 */
final class VerifiedEntries {
    private final int n;
    /** Per rank: the resolved type code, 0 until the entry's id is checked. */
    private final byte[] type;
    private final int[] depth;
    private final long[] headerSize;
    private final AtomicInteger resolved = new AtomicInteger();
    private final PackVerifier.ProgressListener progress;
    private long reported; // guarded by this

    /** A table of {@code n} entries; depths and header sizes only when {@code list}. */
    VerifiedEntries(int n, boolean list, PackVerifier.ProgressListener progress) {
        this.n = n;
        this.type = new byte[n];
        this.depth = list ? new int[n] : null;
        this.headerSize = list ? new long[n] : null;
        this.progress = progress;
    }

    /** Records the entry at {@code rank}, whose id checked: its type, delta depth and header size. */
    void resolved(int rank, int typeCode, int d, long size) {
        type[rank] = (byte) typeCode;
        if (depth != null) {
            depth[rank] = d;
            headerSize[rank] = size;
        }
        int done = resolved.incrementAndGet();
        if (progress != null && (done & 1023) == 0) {
            synchronized (this) {
                if (done > reported) {
                    reported = done;
                    progress.progress(done, n);
                }
            }
        }
    }

    /** How many entries are resolved. */
    int resolvedCount() {
        return resolved.get();
    }

    ObjectType type(int rank) {
        return ObjectType.fromCode(type[rank]);
    }

    int depth(int rank) {
        return depth[rank];
    }

    long headerSize(int rank) {
        return headerSize[rank];
    }
}
