package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every packed entry streamed as git has it, through each root a streamed delta chain can have:
 * a threshold of 0 streams every chain down to its whole entry; a higher one holds the small bases
 * and streams the deltas over them (the deep chains of {@code deepchain}, up to 4095, are cut at
 * the first small base); REF_DELTA chains and chains across packs included. Each stream is read
 * twice (a base reopened from the root each time).
 */
class LargeObjectStreamsTest {
    @ParameterizedTest
    @CsvSource({"history,0", "history,200", "deepchain,65536", "refdelta,0", "refdelta,200",
                "multipack,0", "multipack,200"})
    void everyEntryStreamsAsGitHasIt(String fixture, long threshold) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Map<String, GitBatch.Obj> want = GitBatch.all(Fixtures.repo(fixture));
        LargeObjectStreams streams;
        int deltas = 0;
        try (ObjectDatabase db = ObjectDatabase.builder(Fixtures.repo(fixture)).streamThreshold(threshold).build();
             ObjectReader r = db.newReader()) {
            streams = new LargeObjectStreams(db.storage());
            for (PackFile p : db.packs()) {
                ReverseIndex rev = p.reverseIndex();
                for (int i = 0; i < rev.size(); i++) {
                    ObjectId id = p.index.idAt(rev.positionAt(i));
                    GitBatch.Obj o = want.get(id.name());
                    long offset = rev.offsetAt(i);
                    deltas += r.entryAt(p, offset).isDelta() ? 1 : 0;
                    for (int pass = 0; pass < 2; pass++) {
                        try (InputStream in = streams.open(p, offset)) {
                            assertArrayEquals(o.data(), in.readAllBytes(), fixture + " " + id.name());
                        }
                    }
                    if (o.size() > threshold) {
                        assertTrue(r.open(new ObjectLocation(id, p, offset)).isLarge(), "streamed: " + id.name());
                    }
                }
            }
        }
        assertTrue(deltas > 0, fixture + ": some entries are deltas");
    }
}
