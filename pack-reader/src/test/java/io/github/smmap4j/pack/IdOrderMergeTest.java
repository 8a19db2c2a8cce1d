package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The id-order iteration ({@link ObjectDatabase#forEachObject}): every id once, strictly
 * increasing, the same ids as {@code git cat-file --batch-all-objects}, each located where a
 * lookup by id would read it (the first pack holding it, else loose).
 */
class IdOrderMergeTest {
    @ParameterizedTest
    @ValueSource(strings = {"multipack", "loose", "history", "sha256"})
    void everyIdOnceInOrderAtItsLookupLocation(String fixture) throws IOException, InterruptedException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Process git = new ProcessBuilder("git", "--git-dir=" + Fixtures.repo(fixture), "cat-file", "--batch-all-objects",
                "--batch-check=%(objectname)").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        git.getOutputStream().close();
        List<String> want = List.of(new String(git.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        assertEquals(0, git.waitFor());
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture)); ObjectReader r = db.newReader()) {
            PackDirectory dir = db.storage().packs();
            List<String> got = new ArrayList<>();
            db.forEachObject(where -> {
                got.add(where.id().name());
                ObjectLocation byId = dir.find(where.id(), null);
                if (byId == null) {
                    assertFalse(where.isPacked(), where.id().name());
                    assertTrue(db.storage().loose().has(where.id()));
                } else {
                    assertEquals(byId, where, "located where a lookup by id reads it");
                }
                assertEquals(r.info(where.id()), r.info(where));
            });
            assertEquals(want, got);
            List<ObjectId> ids = new ArrayList<>();
            db.forEachId(ids::add);
            assertEquals(want, ids.stream().map(ObjectId::name).toList());
        }
    }
}
