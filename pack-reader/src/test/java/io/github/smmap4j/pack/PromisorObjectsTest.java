package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PromisorObjects}: a blobless clone's promisor remote and what it promised, as git's
 * {@code has_promisor_remote} and {@code is_promisor_object} say (git asked, unable to fetch:
 * it dies exactly for the promised ids).
 */
class PromisorObjectsTest {
    @TempDir
    static Path tmp;
    static TestRepo src;
    static TestRepo clone;

    @BeforeAll
    static void makeClone() {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to clone");
        src = TestRepo.init(tmp, "src");
        for (int c = 0; c < 6; c++) {
            src.write("a.txt", "version " + c + "\n");
            src.write("d/b.txt", "b " + c + "\n");
            src.git("add", "-A");
            src.git("commit", "-q", "-m", "c" + c);
        }
        src.git("tag", "-a", "-m", "t", "v1", "HEAD~2");
        src.git("config", "uploadpack.allowFilter", "true");
        TestRepo.run(tmp, null, "clone", "-q", "--no-local", "--filter=blob:none", src.dir.toUri().toString(),
                tmp.resolve("clone").toString());
        clone = TestRepo.at(tmp.resolve("clone"));
        clone.git("config", "remote.origin.url", tmp.resolve("gone").toUri().toString()); // git cannot fetch either
    }

    static List<ObjectId> ids(TestRepo r) {
        List<ObjectId> out = new ArrayList<>();
        for (String h : r.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split("\n")) {
            out.add(ObjectId.fromHex(h));
        }
        return out;
    }

    /** What git says of {@code id} when it cannot fetch it: promised (dies), missing (1) or present (0). */
    static String gitSays(ObjectId id) {
        try {
            TestRepo.run(clone.dir, null, "cat-file", "-e", id.name());
            return "present";
        } catch (IllegalStateException e) {
            return e.getMessage().contains("could not fetch " + id.name() + " from promisor remote") ? "promised" : "missing";
        }
    }

    @Test
    void promisedAsGitSaysWhenItCannotFetch() throws IOException {
        List<ObjectId> all = ids(src);
        Set<ObjectId> local = new HashSet<>(ids(clone));
        List<ObjectId> asked = new ArrayList<>(all);
        asked.add(ObjectId.fromHex("0123456789abcdef0123456789abcdef01234567"));
        try (ObjectDatabase db = ObjectDatabase.open(clone.dir)) {
            PromisorObjects p = PromisorObjects.read(db);
            assertTrue(p.hasRemote());
            assertTrue(db.packs().stream().allMatch(PackFile::promisor), "every pack of the clone has its .promisor");
            int absent = 0;
            for (ObjectId id : asked) {
                String git = gitSays(id);
                boolean has = db.has(id);
                assertEquals(local.contains(id), has, id.name());
                String ours = has ? "present" : p.isPromised(id) ? "promised" : "missing";
                assertEquals(git, ours, id.name());
                absent += has ? 0 : 1;
                if (has) {
                    assertTrue(p.isPromised(id), "an object of a promisor pack is promised too: " + id.name());
                }
            }
            assertTrue(absent > 5, "blobs the clone lacks: " + absent);
        }
    }

    @Test
    void whichConfigNamesAPromisorRemote() throws IOException {
        Path config = src.gitDir.resolve("config");
        String original = Files.readString(config);
        try (ObjectDatabase db = ObjectDatabase.open(src.dir)) {
            assertFalse(PromisorObjects.read(db).hasRemote());
            assertFalse(PromisorObjects.read(db).isPromised(ids(src).getFirst()), "no remote: nothing promised");
        }
        for (String[] c : new String[][] {
                {"[remote \"o\"]\n\tpromisor = true\n", "true"},
                {"[remote \"o\"]\n\tpromisor\n", "true"},
                {"[remote \"o\"]\n\tpromisor = false\n", "false"},
                {"[remote \"o\"]\n\tpartialclonefilter = blob:none\n", "true"},
                {"[remote \"/abs\"]\n\tpromisor = true\n", "false"},
                {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialclone = o\n", "true"},
                {"[remote \"o\"]\n\tpromisor = maybe\n", "bad"}}) {
            Files.writeString(config, original + c[0]);
            try (ObjectDatabase db = ObjectDatabase.open(src.dir)) {
                if (c[1].equals("bad")) {
                    assertThrows(RepositoryFormatException.class, () -> PromisorObjects.read(db), c[0]);
                } else {
                    assertEquals(Boolean.parseBoolean(c[1]), PromisorObjects.read(db).hasRemote(), c[0]);
                }
            }
            // git's own answer: it warns of promisor remotes when it lists every object
            String err = gitListingErr(src.dir);
            assertEquals(c[1].equals("true"), err.contains("This repository uses promisor remotes"), c[0] + err);
        }
        Files.writeString(config, original);
    }

    /** git's stderr for {@code cat-file --batch-all-objects --batch-check}. */
    static String gitListingErr(Path repo) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("git", "cat-file", "--batch-all-objects", "--batch-check")
                .directory(repo.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return err;
    }
}
