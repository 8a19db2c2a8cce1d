package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.Revision;
import io.github.smmap4j.pack.TestRepo;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revision syntax as git reads it: {@code <rev>:./path} and {@code <rev>:../path} from the
 * working directory's place in the work tree (refused outside one), reflog entries
 * {@code <ref>@{N}}, and {@code :path} walks over malformed trees (entry names holding
 * {@code /}, unsorted entries, hostile names), each compared with git.
 */
class RevisionSyntaxTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    private static TestRepo twoCommits(Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        r.write("top", "1\n");
        r.write("d/f", "2\n");
        r.write("d/e/g", "3\n");
        r.git("add", ".");
        r.git("commit", "-q", "-m", "c1");
        r.write("top", "4\n");
        r.git("commit", "-q", "-am", "c2");
        return r;
    }

    private static void same(Path cwd, String name) {
        GitCompare.same(cwd, null, "cat-file", "-t", name);
        GitCompare.same(cwd, name + "\n", "cat-file", "--batch-check");
    }

    @Test
    void relativePathsFollowTheWorkingDirectory(@TempDir Path tmp) {
        TestRepo r = twoCommits(tmp);
        String[] names = {"HEAD:./top", "HEAD:./", "HEAD:./d/f", "HEAD:./f", "HEAD:../top", "HEAD:../../top",
            "HEAD:../../../x", "HEAD:./e/../f", "HEAD:.//f", "HEAD:f", "HEAD:./e/", "HEAD:..", "HEAD:../", "HEAD:.",
            "nosuch:./x", "HEAD:./nosuch"};
        for (Path cwd : new Path[] {r.dir, r.dir.resolve("d"), r.dir.resolve("d/e"), r.gitDir, r.gitDir.resolve("refs")}) {
            for (String n : names) {
                same(cwd, n);
            }
        }
        TestRepo.run(tmp, null, "clone", "-q", "--bare", r.dir.toString(), tmp.resolve("bare.git").toString());
        same(tmp.resolve("bare.git"), "HEAD:./top");
        GitCompare.same(r.dir.resolve("d"), null, Map.of("GIT_DIR", "../.git"), "cat-file", "-t", "HEAD:./f");
        for (Path cwd : new Path[] {tmp, r.dir.resolve("d")}) { // an explicit git dir: the top of the work tree is here
            for (String n : new String[] {"HEAD:./top", "HEAD:./f", "HEAD:../x"}) {
                CliGoldenTest.assertSame(CliRunner.git(cwd, null, "--git-dir=" + r.gitDir, "cat-file", "-t", n),
                        CliRunner.ours(cwd, null, "cat-file", "--git-dir=" + r.gitDir, "-t", n), n + " in " + cwd);
            }
        }
        CliRunner.Run outside = CliRunner.ours(r.gitDir, null, "cat-file", "-t", "HEAD:./top");
        assertEquals("fatal: relative path syntax can't be used outside working tree\n", outside.err());
    }

    @Test
    void reflogEntries(@TempDir Path tmp) throws IOException {
        TestRepo r = twoCommits(tmp);
        r.git("checkout", "-q", "-b", "side");
        r.git("commit", "-q", "--allow-empty", "-m", "c3");
        for (String n : new String[] {"HEAD@{0}", "HEAD@{1}", "HEAD@{2}", "HEAD@{3}", "HEAD@{4}", "@{0}", "@{1}", "@{2}",
            "main@{0}", "main@{1}", "main@{2}", "refs/heads/main@{1}", "side@{1}", "HEAD@{0}~1", "HEAD@{1}:top",
            "HEAD@{00}", "HEAD@{99999999}", "HEAD@{100000000}", "HEAD@{1700000000}", "HEAD@{4000000000}",
            "nosuch@{0}", "HEAD@{}", "HEAD@{-1}", "HEAD@{1}^{tree}", "@{1}:d/f"}) {
            same(r.dir, n);
        }
        Path log = r.gitDir.resolve("logs/HEAD");
        String text = Files.readString(log);
        Files.writeString(log, "garbage line\n" + text + "unterminated last line"); // skipped, as git skips them
        for (String n : new String[] {"HEAD@{0}", "HEAD@{1}", "HEAD@{3}", "HEAD@{4}"}) {
            same(r.dir, n);
        }
        Files.delete(r.gitDir.resolve("logs/refs/heads/side"));
        for (String n : new String[] {"@{0}", "@{1}", "side@{0}"}) {
            same(r.dir, n);
        }
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Revision(db).resolve("main@{9}"));
            assertEquals("log for 'main' only has 2 entries", e.getMessage());
        }
    }

    /** Writes a tree of the given raw entries ({mode, name, id}) with git hash-object --literally. */
    private static String tree(TestRepo r, Path tmp, String[]... entries) throws IOException {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        for (String[] e : entries) {
            t.write(TestRepo.bytes(e[0] + " " + e[1] + "\0"));
            t.write(ObjectId.fromHex(e[2]).toByteArray());
        }
        Path f = TestRepo.write(Files.createTempFile(tmp, "tree", ".bin"), t.toByteArray());
        return r.git("hash-object", "-t", "tree", "-w", "--literally", f.toString());
    }

    @Test
    void pathsInMalformedTreesMatchAsGitsDo(@TempDir Path tmp) throws IOException {
        TestRepo r = TestRepo.init(tmp, "r");
        String x = r.git(TestRepo.bytes("x\n"), "hash-object", "-w", "--stdin");
        String y = r.git(TestRepo.bytes("y\n"), "hash-object", "-w", "--stdin");
        String sub = tree(r, tmp, new String[] {"100644", "c", y});
        String t1 = tree(r, tmp, new String[] {"100644", "a/b", x}, new String[] {"40000", "a", sub});
        String t2 = tree(r, tmp, new String[] {"40000", "a", sub}, new String[] {"100644", "a/b", x},
                new String[] {"100644", "a/c", x});
        String t3 = tree(r, tmp, new String[] {"100644", "z", x}, new String[] {"100644", "b", y}); // unsorted
        String t4 = tree(r, tmp, new String[] {"40000", "..", sub}, new String[] {"40000", ".", sub},
                new String[] {"40000", "/", sub}, new String[] {"40000", "loop", "0".repeat(40)},
                new String[] {"100644", "x", x});
        String self = tree(r, tmp, new String[] {"40000", "d", sub}, new String[] {"100644", "d/d/d/d", x});
        String[] paths = {"a/b", "a", "a/c", "a//c", "a/", "", "/a", "a/c/", "b", "z", "..", "../c", "./c", ".",
            "x", "/", "//", "/c", "loop", "loop/x", "d", "d/c", "d/d/d/d", "d/d", "x/"};
        for (String t : new String[] {t1, t2, t3, t4, self}) {
            for (String p : paths) {
                same(r.dir, t + ":" + p);
            }
        }
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            assertEquals(x, new Revision(db).resolve(t1 + ":a/b").id().name());
            assertTrue(new Revision(db).resolve(t2 + ":a/b").status() == Revision.Status.MISSING);
        }
    }

    /**
     * {@code <rev>^{/text}} and {@code :/text} on the history fixture (merges, tags, several
     * branches): git's youngest-first walk, negation, literal {@code !}, bad regular expressions,
     * no path split after {@code :/}, and combined with other suffixes and paths.
     */
    @Test
    void commitMessageSearch() {
        Path repo = io.github.smmap4j.pack.Fixtures.repo("history");
        for (String name : List.of("HEAD^{/}", "HEAD^{/x}", "HEAD^{/.}", "HEAD^{/^Merge}", "HEAD^{/!-Merge}", "HEAD^{/!!x}",
                "HEAD^{/!x}", "HEAD^{/[}", "HEAD^{/(}", "HEAD^{/a|b}", "main^{/e$}", "topic^{/o}", "v1.0^{/.}",
                "v1.0-nested^{/}", "light^{/}", "HEAD^{tree}^{/}", "HEAD^{/}~1", "HEAD^{/}^{tree}", "HEAD^{/}:README.txt",
                "HEAD^{/x}:README.txt", "HEAD~2^{/}", ":/", ":/.", ":/initial", ":/!-initial", ":/!!x", ":/!x", ":/[",
                ":/Merge", ":/^Merge", ":/e:README.txt", ":/nothing-matches-this", ":/\\d", ":/txt$", ":/tree$",
                ":/[[:digit:]]{3}:", ":/[[:bogus:]]", ":/[]x]", "HEAD^{/[^a-z]$}", "HEAD^{/[[:upper:]]o}", "@", "@~1", "@^{tree}", "@:README.txt", "@@", "@{0}", ":../y", ":./x", ":0:./x", ":1:../a/b", ":README.txt", ":4:./x", "@^{/}^!{/}", "HEAD^{/}x}", "HEAD^{/a}b}", "HEAD^{/x^{/}",
                "4b825dc642cb6eb9a060e54bf8d69288fbee4904^{tree}:../y@{0}", "HEAD^{tree}:nope}", "HEAD^{}:x}", "HEAD:README.txt^{blob}",
                "HEAD^{commit}:README.txt", "HEAD:src^{tree}", "v1.0^{tag}:a}")) {
            same(repo, name);
        }
    }
}
