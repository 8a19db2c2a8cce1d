package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --follow-symlinks} with {@code --batch}, {@code --batch-check} and
 * {@code --batch-command} against git 2.39, byte for byte, on a repository of symlinks built
 * here: inside and outside the tree, relative, absolute, {@code ..} at every depth, loops, a
 * chain of exactly 40 and of 41 links, dangling links, files used as directories, trailing and
 * doubled slashes, {@code .} (which git does not treat specially), a gitlink, and links git
 * cannot check out but stores (empty, holding a NUL, pointing at a missing blob).
 */
class FollowSymlinksTest {
    @TempDir
    static Path tmp;
    static Path repo;
    static List<String> names = new ArrayList<>();

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
        repo = tmp.resolve("links");
        BatchZeroTerminatedTest.git(tmp, "init", "-q", repo.toString());
        Files.writeString(repo.resolve("f"), "hello\n");
        Files.createDirectories(repo.resolve("dir/sub"));
        Files.writeString(repo.resolve("dir/sub/g"), "g\n");
        Files.writeString(repo.resolve("dir/a b"), "space\n");
        String[][] links = {
            {"link", "f"}, {"dir/link", "../f"}, {"plink", "../f"}, {"alink", "/etc/passwd"}, {"loop0", "loop1"},
            {"loop1", "loop0"}, {"self", "self"}, {"dangle", "nothere"}, {"notdir", "f/x"}, {"dlink", "dir"}, {"dslink", "dir/"},
            {"dot", "."}, {"dotf", "./f"}, {"dotdot", "dir/.."}, {"dir/sub/up2", "../../x"}, {"dir/sub/up3", "../../../x"},
            {"dir/sub/upf", "../../f"}, {"dslash", "//f"}, {"dir/mixed", "sub/../../f"}, {"dir/s", "sub"}, {"dir/space", "a b"},
            {"dir/sub/deep", "../../dir/sub/../s/g"}, {"trail", "f/"}, {"toplink", "dir/../link"}, {"uplink", "dir/link"},
            {"dir/sub/root", "../.."}, {"dir/sub/above", "../../.."}, {"dir/abs", "/"},
        };
        for (String[] l : links) {
            Files.createSymbolicLink(repo.resolve(l[0]), Path.of(l[1]));
        }
        for (int i = 0; i <= 41; i++) { // c00 -> c01 -> ... -> c41 -> f: 42 links from c00, 40 from c02
            Files.createSymbolicLink(repo.resolve(String.format("c%02d", i)), Path.of(i == 41 ? "f" : String.format("c%02d", i + 1)));
        }
        BatchZeroTerminatedTest.git(repo, "add", "-A");
        BatchZeroTerminatedTest.git(repo, "-c", "user.name=A", "-c", "user.email=a@b", "commit", "-q", "-m", "links");
        // entries a checkout cannot make (or that need a UTF-8 file system): mktree, in a second commit's tree
        String head = CliRunner.git(repo, null, "rev-parse", "HEAD").text().strip();
        StringBuilder tree = new StringBuilder(CliRunner.git(repo, null, "ls-tree", "-z", "HEAD").text());
        String[][] odd = {{"nullink", "f\0junk"}, {"absnul", "/etc\0junk"}, {"upnul", "../a\0b"}, {"empty", ""},
            {"nonascii", "\u00e9t\u00e9"}};
        for (String[] o : odd) {
            tree.append("120000 blob ").append(hashObject(o[1])).append('\t').append(o[0]).append('\0');
        }
        tree.append("100644 blob ").append(hashObject("summer\n")).append("\t\u00e9t\u00e9\0");
        tree.append("120000 blob ").append("1234567890123456789012345678901234567890").append("\tghost\0");
        tree.append("160000 commit ").append(head).append("\tsubmodule\0");
        String t = run(repo, tree.toString(), "mktree", "-z", "--missing").strip();
        String c = run(repo, "", "-c", "user.name=A", "-c", "user.email=a@b", "commit-tree", t, "-p", head, "-m", "odd").strip();
        BatchZeroTerminatedTest.git(repo, "update-ref", "refs/heads/odd", c);
        for (String l : List.of("f", "link", "dir/link", "plink", "alink", "loop0", "self", "dangle", "notdir", "dlink", "dlink/link",
                "dslink", "dslink/sub/g", "dot", "dot/f", "dotf", "dotdot", "dotdot/f", "dir/sub/up2", "dir/sub/up3", "dir/sub/upf",
                "dslash", "dir/mixed", "dir/s/g", "dir/s/", "dir/space", "dir/sub/deep", "trail", "toplink", "uplink", "dir/sub/root",
                "dir/sub/above", "dir/sub/above/x", "dir/abs", "dir/abs/etc", "f/", "link/", "dir/", "dir//sub", "/f",
                "//dir/s/g", "dir/./sub", "nope", "nope/x", "link/x", "alink/x", "plink/x", "", "c00", "c01", "c02", "c40", "dir/sub/",
                "dir/sub/g/", "dir/link/", "dir/link/x")) {
            names.add("HEAD:" + l);
        }
        for (String l : List.of("nullink", "nullink/x", "absnul", "upnul", "upnul/x", "empty", "empty/x", "ghost", "ghost/x",
                "submodule", "submodule/x", "link", "f", "nonascii", "\u00e9t\u00e9", "\u00e9t\u00e9/")) {
            names.add("odd:" + l);
        }
        names.addAll(List.of("HEAD", "HEAD^{tree}:link", "HEAD~0:dir/link", "nope:link", "HEAD:link HEAD", "odd^:plink"));
        names.add(CliRunner.git(repo, null, "rev-parse", "HEAD:f").text().strip() + ":x");
    }

    static String hashObject(String content) throws IOException, InterruptedException {
        return run(repo, content, "hash-object", "-w", "--stdin").strip();
    }

    static String run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        CliRunner.Run r = CliRunner.git(dir, stdin.getBytes(StandardCharsets.UTF_8), args);
        assertEquals(0, r.code(), List.of(args) + ": " + r.err());
        return r.text();
    }

    static void same(byte[] in, String what, String... args) {
        CliGoldenTest.assertSame(CliRunner.git(repo, in, args), CliRunner.ours(repo, in, args), what);
    }

    @Test
    void batchAndBatchCheck() {
        byte[] in = BatchCommandTest.join(names, '\n', 0);
        for (String mode : List.of("--batch-check", "--batch", "--batch-check=" + CliGoldenTest.FULL + " [%(rest)]",
                "--batch=%(objecttype) %(objectsize)")) {
            same(in, mode, "cat-file", mode, "--follow-symlinks");
            same(in, mode + " --buffer", "cat-file", "--buffer", "--follow-symlinks", mode);
            same(in, mode + " without", "cat-file", mode);
        }
        same(BatchCommandTest.join(names, '\0', 0), "-z", "cat-file", "-z", "--batch-check", "--follow-symlinks");
        same(in, "--no-follow-symlinks", "cat-file", "--follow-symlinks", "--no-follow-symlinks", "--batch-check");
    }

    @Test
    void batchCommand() {
        List<String> cmds = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            cmds.add((i % 2 == 0 ? "contents " : "info ") + names.get(i));
        }
        same(BatchCommandTest.join(cmds, '\n', 0), "--batch-command", "cat-file", "--batch-command", "--follow-symlinks");
        same(BatchCommandTest.join(cmds, '\n', 4), "--batch-command --buffer", "cat-file", "--batch-command", "--buffer",
                "--follow-symlinks");
    }

    /** The records outside a tree and the dangling ones, spelt out (so a reader sees what git prints). */
    @Test
    void records() {
        byte[] in = "HEAD:plink\nHEAD:alink\nHEAD:dangle\nHEAD:loop0\nHEAD:notdir\nodd:upnul\n".getBytes(StandardCharsets.UTF_8);
        CliRunner.Run r = CliRunner.ours(repo, in, "cat-file", "--batch-check", "--follow-symlinks");
        assertEquals("symlink 4\n../f\nsymlink 11\n/etc/passwd\ndangling 11\nHEAD:dangle\nloop 10\nHEAD:loop0\n"
                + "notdir 11\nHEAD:notdir\nsymlink 6\n../a\n", r.text());
    }

    @Test
    void requiresABatchMode() {
        Path history = Fixtures.repo("history");
        for (List<String> args : List.of(List.of("--follow-symlinks", "-t", "HEAD"), List.of("--follow-symlinks"),
                List.of("--buffer", "--follow-symlinks", "-p", "HEAD"))) {
            List<String> a = new ArrayList<>(List.of("cat-file"));
            a.addAll(args);
            CliRunner.Run git = CliRunner.git(history, null, a.toArray(String[]::new));
            CliRunner.Run ours = CliRunner.ours(history, null, a.toArray(String[]::new));
            CliGoldenTest.assertSame(git, ours, a.toString());
            assertTrue(ours.err().startsWith("fatal: '--follow-symlinks' requires a batch mode\n"), ours.err());
        }
    }
}
