package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chain loader resolves every entry to git's bytes and type whatever the base cache holds
 * (nothing, a few KiB, the default), across packs (REF_DELTA bases elsewhere), and refuses to
 * build what exceeds a limit, returning null instead.
 */
class DeltaChainLoaderTest {
    @ParameterizedTest
    @CsvSource({"history,0", "history,4096", "history,33554432", "deepchain,0", "deepchain,65536",
                "refdelta,0", "multipack,0", "multipack,33554432", "sha256,4096"})
    void everyEntryLoadsAsGitHasItWithAnyCache(String fixture, long cache) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Map<String, GitBatch.Obj> want = GitBatch.all(Fixtures.repo(fixture));
        try (ObjectDatabase db = ObjectDatabase.builder(Fixtures.repo(fixture)).deltaBaseCache(cache).build();
             ReadContext ctx = new ReadContext()) {
            DeltaChainLoader loader = new DeltaChainLoader(db.storage(), ctx);
            int checked = 0;
            for (PackFile p : db.packs()) {
                ReverseIndex rev = p.reverseIndex();
                for (int i = 0; i < rev.size(); i++) {
                    ObjectId id = p.index.idAt(rev.positionAt(i));
                    GitBatch.Obj o = want.get(id.name());
                    DeltaChainLoader.Loaded l = loader.load(p, rev.offsetAt(i), 0, Long.MAX_VALUE);
                    assertEquals(o.type(), l.type().typeName(), id.name());
                    assertArrayEquals(o.data(), l.data(), id.name());
                    if (o.size() > 0) {
                        assertNull(loader.load(p, rev.offsetAt(i), 0, o.size() - 1), "over the limit: nothing built");
                    }
                    checked++;
                }
            }
            assertTrue(checked > 0);
            assertTrue(db.storage().cache().bytes() <= cache, "the cache keeps its bound");
        }
    }
}
