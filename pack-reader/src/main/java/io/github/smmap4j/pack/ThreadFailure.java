package io.github.smmap4j.pack;

import java.io.IOException;

/** A failure caught on a helper thread (a tree worker, the inflate-ahead thread), rethrown on the thread that waits for it. */
final class ThreadFailure {
    private ThreadFailure() {
    }

    /** Rethrows {@code f} as it was (an {@code IOException}, unchecked exception or error), anything else wrapped; nothing if null. */
    static void rethrow(Throwable f) throws IOException {
        switch (f) {
            case null -> { }
            case IOException io -> throw io;
            case RuntimeException re -> throw re;
            case Error er -> throw er;
            default -> throw new IOException(f);
        }
    }
}
