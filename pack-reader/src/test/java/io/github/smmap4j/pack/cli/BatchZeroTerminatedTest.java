package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.ByteArrayOutputStream;
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
 * {@code -Z}, which the git here (2.39) predates, tested against what git 2.41+'s
 * Documentation/git-cat-file.txt says of it:
 * <blockquote>-Z: Only meaningful with {@code --batch}, {@code --batch-check}, or
 * {@code --batch-command}; input and output is NUL-delimited instead of newline-delimited.
 * <br>Alternatively, when {@code -Z} is passed, the line feeds in any of the above examples are
 * replaced with NUL terminators. This ensures that output will be parsable if the output
 * itself would contain a linefeed and is thus recommended for scripting purposes.</blockquote>
 * "The above examples" are {@code <oid> SP <type> SP <size> LF <contents> LF}, the custom-format
 * line, {@code <object> SP missing LF}, {@code <object> SP ambiguous LF} and the
 * {@code --follow-symlinks} records ({@code symlink SP <size> LF <symlink> LF}, {@code dangling},
 * {@code loop}, {@code notdir}). So the expected output is git 2.39's {@code -z} output (the same
 * NUL-delimited input) with exactly those line feeds made NULs; and, as the documentation's
 * own test does ({@code tr "\n" "\0" <expect}), a plain translation where no content is printed.
 */
class BatchZeroTerminatedTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
    }

    /** Names without line feeds: ids, abbreviations, refs, suffixes, paths, missing, ambiguous. */
    static List<String> names(Path repo) {
        List<String> out = new ArrayList<>();
        for (String n : new String(CliGoldenTest.stdinNames(repo), StandardCharsets.UTF_8).split("\n")) {
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    static byte[] nulJoined(List<String> lines) {
        return BatchCommandTest.join(lines, '\0', 0);
    }

    /**
     * git's output records (each {@code <line> LF} or, when {@code contents} and the line is an
     * object's, {@code <line> LF <size bytes> LF}, the size being the line's third field) with
     * their terminating line feeds made NULs.
     */
    static byte[] terminatorsToNul(byte[] git, List<Boolean> contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        for (boolean withContents : contents) {
            int lf = p;
            while (git[lf] != '\n') {
                lf++;
            }
            String line = new String(git, p, lf - p, StandardCharsets.ISO_8859_1);
            out.write(git, p, lf - p);
            out.write(0);
            p = lf + 1;
            if (withContents && !line.endsWith(" missing") && !line.endsWith(" ambiguous")) {
                int size = Integer.parseInt(line.split(" ")[2]);
                out.write(git, p, size);
                assertEquals('\n', git[p + size], "git's record after " + line);
                out.write(0);
                p += size + 1;
            }
        }
        assertEquals(git.length, p, "git's output fully parsed");
        return out.toByteArray();
    }

    /** {@code tr "\n" "\0"}. */
    static byte[] lfToNul(byte[] b) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                out[i] = 0;
            }
        }
        return out;
    }

    static void assertBytes(byte[] expected, CliRunner.Run ours, String what) {
        assertEquals(0, ours.code(), what + ": " + ours.err());
        assertArrayEquals(expected, ours.out(), what + ": got " + BatchCommandTest.visible(ours.text()));
    }

    @Test
    void batchAndBatchCheckOnEveryFixture() {
        for (String fixture : Fixtures.ALL) {
            Path repo = Fixtures.repo(fixture);
            List<String> names = names(repo);
            byte[] in = nulJoined(names);
            for (String fmt : List.of("", "=" + CliGoldenTest.FULL)) {
                CliRunner.Run check = CliRunner.git(repo, in, "cat-file", "-z", "--batch-check" + fmt);
                byte[] expected = lfToNul(check.out()); // no contents: tr "\n" "\0"
                assertBytes(expected, CliRunner.ours(repo, in, "cat-file", "-Z", "--batch-check" + fmt), fixture + " -Z --batch-check" + fmt);
                assertBytes(expected, CliRunner.ours(repo, in, "cat-file", "-z", "-Z", "--buffer", "--batch-check" + fmt), fixture + " -z -Z");
                byte[] batch = CliRunner.git(repo, in, "cat-file", "-z", "--batch" + fmt).out();
                byte[] nul = terminatorsToNul(batch, names.stream().map(n -> true).toList());
                assertBytes(nul, CliRunner.ours(repo, in, "cat-file", "-Z", "--batch" + fmt), fixture + " -Z --batch" + fmt);
            }
            byte[] all = lfToNul(CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check").out());
            assertBytes(all, CliRunner.ours(repo, null, "cat-file", "-Z", "--batch-all-objects", "--batch-check"), fixture + " all -Z");
        }
    }

    /** The documentation's test: {@code --batch-command --buffer -Z} of info commands is git's output with every LF a NUL. */
    @Test
    void batchCommandOnEveryFixture() {
        for (String fixture : Fixtures.ALL) {
            Path repo = Fixtures.repo(fixture);
            List<String> names = names(repo);
            List<String> infos = names.stream().map(n -> "info " + n).toList();
            byte[] git = CliRunner.git(repo, nulJoined(infos), "cat-file", "--batch-command", "--buffer", "-z").out();
            byte[] expected = lfToNul(git);
            assertBytes(expected, CliRunner.ours(repo, nulJoined(infos), "cat-file", "--batch-command", "--buffer", "-Z"), fixture + " info -Z");
            List<String> mixed = new ArrayList<>();
            List<Boolean> contents = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                mixed.add((i % 3 == 0 ? "info " : "contents ") + names.get(i));
                contents.add(i % 3 != 0);
            }
            byte[] g = CliRunner.git(repo, nulJoined(mixed), "cat-file", "--batch-command", "-z").out();
            byte[] nul = terminatorsToNul(g, contents);
            assertBytes(nul, CliRunner.ours(repo, nulJoined(mixed), "cat-file", "--batch-command", "-Z"), fixture + " mixed -Z");
            List<String> flushed = new ArrayList<>(mixed);
            flushed.add(4, "flush");
            assertBytes(nul, CliRunner.ours(repo, nulJoined(flushed), "cat-file", "--batch-command", "--buffer", "-Z"),
                    fixture + " mixed -Z --buffer");
        }
    }

    /** The documentation's example: a path holding a line feed, and the records that echo it. */
    @Test
    void lineFeedInsideAName() throws IOException, InterruptedException {
        Path repo = tmp.resolve("r");
        git(tmp, "init", "-q", repo.toString());
        Files.writeString(repo.resolve("newline\nembedded"), "");
        Files.writeString(repo.resolve("f"), "hello\n");
        Files.createSymbolicLink(repo.resolve("out"), Path.of("../x\ny"));
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=A", "-c", "user.email=a@b", "commit", "-q", "-m", "c");
        String blob = CliRunner.git(repo, null, "rev-parse", "HEAD:newline\nembedded").text().strip();
        byte[] in = "HEAD:newline\nembedded\0HEAD:no\nsuch\0".getBytes(StandardCharsets.UTF_8);
        assertBytes((blob + " blob 0\0HEAD:no\nsuch missing\0").getBytes(StandardCharsets.UTF_8),
                CliRunner.ours(repo, in, "cat-file", "--batch-check", "-Z"), "-Z with a LF in the name");
        // -z alone keeps git 2.39's newline records: ambiguous for exactly this input
        CliGoldenTest.assertSame(CliRunner.git(repo, in, "cat-file", "--batch-check", "-z"),
                CliRunner.ours(repo, in, "cat-file", "--batch-check", "-z"), "-z");
        byte[] cmds = "contents HEAD:newline\nembedded\0info HEAD:f\0contents HEAD:no\nsuch\0".getBytes(StandardCharsets.UTF_8);
        String f = CliRunner.git(repo, null, "rev-parse", "HEAD:f").text().strip();
        assertBytes((blob + " blob 0\0\0" + f + " blob 6\0HEAD:no\nsuch missing\0").getBytes(StandardCharsets.UTF_8),
                CliRunner.ours(repo, cmds, "cat-file", "--batch-command", "-Z"), "-Z --batch-command");
        // --follow-symlinks records: "symlink SP <size> NUL <symlink> NUL"
        byte[] link = "HEAD:out\0".getBytes(StandardCharsets.UTF_8);
        assertBytes("symlink 6\0../x\ny\0".getBytes(StandardCharsets.UTF_8),
                CliRunner.ours(repo, link, "cat-file", "--batch-check", "--follow-symlinks", "-Z"), "-Z symlink");
        byte[] zGit = CliRunner.git(repo, link, "cat-file", "--batch-check", "--follow-symlinks", "-z").out();
        assertEquals("symlink 6\n../x\ny\n", new String(zGit, StandardCharsets.UTF_8));
    }

    @Test
    void requiresABatchMode() {
        Path repo = Fixtures.repo("history");
        CliRunner.Run r = CliRunner.ours(repo, null, "cat-file", "-Z", "-t", "HEAD");
        assertEquals(129, r.code());
        assertTrue(r.err().startsWith("fatal: '-Z' requires a batch mode\n"), r.err());
    }

    static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "git " + cmd + ": " + out);
    }
}
