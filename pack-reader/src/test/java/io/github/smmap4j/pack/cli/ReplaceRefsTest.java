package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ReplaceRefs;
import io.github.smmap4j.pack.Revision;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replace refs ({@code refs/replace/}): git's cat-file reads a named object as its replacement
 * (type, size, size on disk, content, and every step of {@code ~N} or {@code :path}), prints the
 * name asked for, and reads raw with {@code --batch-all-objects}, {@code -e},
 * {@code --no-replace-objects}, {@code GIT_NO_REPLACE_OBJECTS} or {@code core.useReplaceRefs=false}.
 */
class ReplaceRefsTest {
    static final String FULL = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    /** Three commits of file a ("one", "two", "three"); blob one replaced by two, commit two by commit one. */
    private static TestRepo repo(Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        for (String s : new String[] {"one", "two", "three"}) {
            r.write("a", s + "\n");
            r.git("add", "a");
            r.git("commit", "-q", "-m", s);
        }
        r.git("replace", r.git("--no-replace-objects", "rev-parse", "HEAD~2:a"), r.git("--no-replace-objects", "rev-parse", "HEAD~1:a"));
        r.git("replace", r.git("--no-replace-objects", "rev-parse", "HEAD~1"), r.git("--no-replace-objects", "rev-parse", "HEAD~2"));
        return r;
    }

    private static void everyWay(TestRepo r, Map<String, String> env, String... global) {
        String b1 = r.git("--no-replace-objects", "rev-parse", "HEAD~2:a");
        String c2 = r.git("--no-replace-objects", "rev-parse", "HEAD~1");
        String in = b1 + "\n" + c2 + "\nHEAD~1\nHEAD~2\nHEAD~1:a\nHEAD^{tree}\n";
        for (String[] args : new String[][] {{"-p", b1}, {"-t", b1}, {"-s", b1}, {"-e", b1}, {"blob", b1},
            {"-p", "HEAD~1"}, {"-t", "HEAD~2"}, {"commit", c2}, {"-p", "HEAD~1:a"}}) {
            GitCompare.same(r.dir, null, env, concat(global, "cat-file", args[0], args[1]));
        }
        GitCompare.same(r.dir, in, env, concat(global, "cat-file", "--batch"));
        GitCompare.same(r.dir, in, env, concat(global, "cat-file", FULL));
        GitCompare.same(r.dir, null, env, concat(global, "cat-file", "--batch-all-objects", FULL));
        GitCompare.same(r.dir, null, env, concat(global, "cat-file", "--batch-all-objects", "--batch"));
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void honouredByDefaultLooseAndPacked(@TempDir Path tmp) {
        TestRepo r = repo(tmp);
        String b1 = r.git("--no-replace-objects", "rev-parse", "HEAD~2:a");
        CliRunner.Run ours = GitCompare.same(r.dir, null, "cat-file", "-p", b1);
        assertEquals("two\n", ours.text());
        everyWay(r, Map.of());
        r.git("pack-refs", "--all");
        r.git("repack", "-adq");
        everyWay(r, Map.of());
    }

    @Test
    void turnedOffAsGitTurnsThemOff(@TempDir Path tmp) {
        TestRepo r = repo(tmp);
        String b1 = r.git("--no-replace-objects", "rev-parse", "HEAD~2:a");
        assertEquals("one\n", GitCompare.same(r.dir, null, "--no-replace-objects", "cat-file", "-p", b1).text());
        everyWay(r, Map.of(), "--no-replace-objects");
        everyWay(r, Map.of("GIT_NO_REPLACE_OBJECTS", ""));
        r.git("config", "core.useReplaceRefs", "false");
        everyWay(r, Map.of());
        r.git("config", "--unset", "core.useReplaceRefs"); // (git 2.39 lets core.useReplaceRefs=true override the option)
        everyWay(r, Map.of("GIT_REPLACE_REF_BASE", "refs/elsewhere/"));
        // git has the option only before the command: as a cat-file option it is a usage error
        GitCompare.same(r.dir, null, "cat-file", "--no-replace-objects", "-p", b1);
    }

    @Test
    void oddReplaceRefNames(@TempDir Path tmp) throws IOException {
        TestRepo r = repo(tmp);
        String b1 = r.git("--no-replace-objects", "rev-parse", "HEAD~2:a");
        String b3 = r.git("--no-replace-objects", "rev-parse", "HEAD:a");
        Path replace = r.gitDir.resolve("refs/replace");
        Files.move(replace.resolve(b1), Files.createDirectories(replace.resolve("nested")).resolve(b1)); // last component counts
        Files.writeString(replace.resolve("not-an-id"), b3 + "\n"); // skipped with a warning
        everyWay(r, Map.of());
        Files.writeString(replace.resolve(b3), b1 + "\n"); // three -> one -> two: chains are followed
        everyWay(r, Map.of());
    }

    @Test
    void theLibraryReadsRawUnlessAskedTo(@TempDir Path tmp) throws IOException {
        TestRepo r = repo(tmp);
        ObjectId b1 = ObjectId.fromHex(r.git("--no-replace-objects", "rev-parse", "HEAD~2:a"));
        ObjectId b2 = ObjectId.fromHex(r.git("--no-replace-objects", "rev-parse", "HEAD~1:a"));
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            ReplaceRefs replace = ReplaceRefs.read(db);
            assertEquals(2, replace.asMap().size());
            assertEquals(b2, replace.resolve(b1));
            assertArrayEquals("one\n".getBytes(StandardCharsets.UTF_8), db.open(b1).bytes()); // raw stays raw
            assertEquals(ReplaceRefs.none(), new Revision(db).replaceRefs());
            Revision raw = new Revision(db);
            Revision replaced = new Revision(db).withReplaceRefs(replace);
            assertEquals(r.git("--no-replace-objects", "rev-parse", "HEAD~2"), raw.resolve("HEAD~2").id().name());
            assertEquals(Revision.Status.MISSING, replaced.resolve("HEAD~2").status()); // commit two reads as one: no parent
            assertEquals(b2, replace.resolve(replaced.resolve("HEAD~1:a").id()));
            assertTrue(ReplaceRefs.read(db, "refs/none/").isEmpty());
        }
        Path loop = r.gitDir.resolve("refs/replace").resolve(b2.name());
        Files.writeString(loop, b1.name() + "\n");
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            IOException e = assertThrows(IOException.class, () -> ReplaceRefs.read(db).resolve(b1));
            assertTrue(e.getMessage().contains("replace depth too high"), e.getMessage());
        }
    }
}
