package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one resolver of type, size, size on disk and delta base: {@code info(id)},
 * {@code info(location)}, {@code header(id)}, {@code size(id)} and the pack-order {@code walkPackInfo} agree with
 * {@code git cat-file --batch-check} for every object of every fixture, in any order of lookups
 * (the type memo must not change an answer).
 */
class HeaderResolverTest {
    private static final String FORMAT = "%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    static java.util.List<String> fixtures() {
        return Fixtures.ALL;
    }

    /** git's answer per id, as the line it prints. */
    private static Map<String, String> git(Path gitDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "--git-dir=" + gitDir, "cat-file", "--batch-all-objects",
                "--batch-check=" + FORMAT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            m.put(line.substring(0, line.indexOf(' ')), line);
        }
        return m;
    }

    private static String line(ObjectInfo i) {
        return i.id().name() + " " + i.type().typeName() + " " + i.size() + " " + i.diskSize() + " " + i.deltaBase().name();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyLookupAgreesWithGit(String fixture) throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Path repo = Fixtures.repo(fixture);
        Map<String, String> want = git(repo);
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            // git answers for its built-in empty tree, not the stored entry: the CLI's business.
            want.remove(db.format().emptyTreeId().name());
            // Pack order first (fills the memo as the CLI's --unordered does), then id order, then by id.
            try (ObjectReader r = db.newReader()) {

                for (PackFile p : db.packs()) {
                    r.walkPackInfo(p, 0, p.objectCount(), e -> {
                        ObjectLocation where = e.location();
                        ObjectInfo info = e.info();
                        assertEquals(info.deltaBase().equals(db.format().zeroId()), !e.isDelta(), "isDelta");
                        if (!want.containsKey(where.id().name()) || want.get(where.id().name()).equals(line(info))
                                || inOtherPackToo(db, where)) {
                            return; // agrees, or git prefers another copy
                        } else {
                            assertEquals(want.get(where.id().name()), line(info), "walkPackInfo " + fixture);
                        }
                    });
                }
                db.forEachObject(where -> {
                    if (want.containsKey(where.id().name())) {
                        assertEquals(want.get(where.id().name()), line(r.info(where)), "info(location)");
                    }
                });
            }
            try (ObjectReader r = db.newReader()) { // a fresh memo: lookups in id order only
                for (String id : want.keySet()) {
                    ObjectInfo info = r.info(ObjectId.fromHex(id));
                    assertEquals(want.get(id), line(info), "info(id) " + fixture);
                    ObjectHeader h = r.header(ObjectId.fromHex(id));
                    assertEquals(info.type(), h.type(), id);
                    assertEquals(info.size(), h.size(), id);
                    assertEquals(info.size(), r.size(ObjectId.fromHex(id)), "size(id) " + id);
                }
            }
        }
    }

    /** An object stored in several packs: git names the entry of the pack it prefers. */
    private static boolean inOtherPackToo(ObjectDatabase db, ObjectLocation where) {
        int n = 0;
        for (PackFile p : db.packs()) {
            n += p.index.contains(where.id()) ? 1 : 0;
        }
        return n > 1;
    }
}
