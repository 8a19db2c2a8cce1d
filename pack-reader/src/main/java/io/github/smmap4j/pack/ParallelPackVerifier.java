package io.github.smmap4j.pack;

import java.io.IOException;

/** Placeholder. */
public final class ParallelPackVerifier {
    public record Result(long checksum) {
    }

    public static Result verify(ObjectDatabase db, PackFile p, int threads) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
