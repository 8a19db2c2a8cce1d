package io.github.smmap4j.pack;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Readers kept for the database's own thread-safe calls ({@code open}, {@code header},
 * {@code info}): borrowed for one call, given back unpinned, at most two per processor kept.
 * Thread-safe (a concurrent queue; a reader is used by one thread at a time).
 */
final class ReaderPool {
    private final Storage storage;
    private final ConcurrentLinkedQueue<ObjectReader> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ReaderPool(Storage storage) {
        this.storage = storage;
    }

    /** A read done with a pooled reader. */
    @FunctionalInterface
    interface ReaderCall<T> {
        T call(ObjectReader r) throws java.io.IOException;
    }

    /** Runs {@code call} with a pooled reader and gives the reader back, unpinned. */
    <T> T with(ReaderCall<T> call) throws java.io.IOException {
        ObjectReader r = idle.poll();
        if (r == null) {
            r = new ObjectReader(storage);
        }
        try {
            return call.call(r);
        } finally {
            r.release(); // an idle pooled reader pins no window
            if (closed || idle.size() >= 2 * Runtime.getRuntime().availableProcessors()) {
                r.close();
            } else {
                idle.offer(r);
            }
        }
    }

    /** Closes every idle reader; readers in use are closed when given back. */
    void close() {
        closed = true;
        ObjectReader r;
        while ((r = idle.poll()) != null) {
            r.close();
        }
    }
}
