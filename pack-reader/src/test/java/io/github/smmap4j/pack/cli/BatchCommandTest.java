package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code cat-file --batch-command} against git 2.39 on every fixture: {@code info},
 * {@code contents} and {@code flush} with and without {@code --buffer}, with {@code -z}, with
 * every format atom; the failures (unknown command, missing argument, empty line, ...) with the
 * same stdout (what was written before stays), exit code and message; NUL bytes inside lines.
 */
class BatchCommandTest {
    /** Formats holding %(objecttype): git 2.39 asserts on {@code contents} without it (see {@link #contentsWithoutTypeAtom}). */
    static final List<String> FORMATS = List.of("", "=" + CliGoldenTest.FULL, "=%(objecttype) %(objectsize) [%(rest)]",
            "=%(objectname) %% %z %(objecttype)");

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
    }

    static Stream<String> fixtures() {
        return Fixtures.ALL.stream();
    }

    /** CliGoldenTest's names (ids, abbreviations, refs, suffixes, missing, ambiguous) as commands, info and contents in turn. */
    static List<String> commands(Path repo) {
        List<String> out = new ArrayList<>();
        String[] names = new String(CliGoldenTest.stdinNames(repo), StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < names.length; i++) {
            if (!names[i].isEmpty()) {
                out.add((i % 2 == 0 ? "info " : "contents ") + names[i]);
            }
        }
        return out;
    }

    /** {@code lines}, each ended by {@code term}, with a {@code flush} after every {@code flushEvery}-th (0: none). */
    static byte[] join(List<String> lines, char term, int flushEvery) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(lines.get(i)).append(term);
            if (flushEvery > 0 && i % flushEvery == flushEvery - 1) {
                sb.append("flush").append(term);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void same(Path repo, byte[] in, String what, String... args) {
        CliGoldenTest.assertSame(CliRunner.git(repo, in, args), CliRunner.ours(repo, in, args), what);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void commandsMatchGit(String fixture) {
        Path repo = Fixtures.repo(fixture);
        List<String> cmds = commands(repo);
        for (String fmt : FORMATS) {
            String mode = "--batch-command" + fmt;
            same(repo, join(cmds, '\n', 0), fixture + " " + mode, "cat-file", mode);
            same(repo, join(cmds, '\n', 0), fixture + " --no-buffer " + mode, "cat-file", "--buffer", "--no-buffer", mode);
            same(repo, join(cmds, '\n', 7), fixture + " --buffer flushes " + mode, "cat-file", "--buffer", mode);
            same(repo, join(cmds, '\n', 0), fixture + " --buffer no flush " + mode, "cat-file", "--buffer", mode);
            same(repo, join(cmds, '\0', 0), fixture + " -z " + mode, "cat-file", "-z", mode);
            same(repo, join(cmds, '\0', 5), fixture + " -z --buffer " + mode, "cat-file", mode, "--buffer", "-z");
        }
        // with --batch-all-objects, --batch-command is --batch-check of every object (stdin unread)
        same(repo, join(cmds, '\n', 0), fixture + " --batch-all-objects", "cat-file", "--batch-command", "--batch-all-objects");
        same(repo, null, fixture + " --batch-all-objects --unordered", "cat-file", "--batch-command=" + CliGoldenTest.FULL,
                "--batch-all-objects", "--unordered");
    }

    /**
     * git 2.39 dies of an assertion (exit 134) on {@code contents} when the format lacks
     * %(objecttype), after the header line: a bug. We print what the documentation describes,
     * "contents prints contents in the same way --batch would": git's {@code --batch=<format>}.
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void contentsWithoutTypeAtom(String fixture) {
        Path repo = Fixtures.repo(fixture);
        List<String> names = new ArrayList<>();
        for (String c : commands(repo)) {
            String n = c.substring(c.indexOf(' ') + 1);
            if (!n.contains(" ") && !n.contains("\t") && !n.endsWith("\r")) {
                names.add(n);
            }
        }
        for (String fmt : List.of("=%(objectname)", "=", "=%(objectsize) %(objectsize:disk) %(deltabase)")) {
            byte[] plain = join(names, '\n', 0);
            CliRunner.Run git = CliRunner.git(repo, plain, "cat-file", "--batch" + fmt);
            List<String> contents = names.stream().map(n -> "contents " + n).toList();
            CliGoldenTest.assertSame(git, CliRunner.ours(repo, join(contents, '\n', 0), "cat-file", "--batch-command" + fmt),
                    fixture + " contents " + fmt);
            CliGoldenTest.assertSame(git, CliRunner.ours(repo, join(contents, '\n', 3), "cat-file", "--buffer", "--batch-command" + fmt),
                    fixture + " contents --buffer " + fmt);
            List<String> infos = names.stream().map(n -> "info " + n).toList();
            same(repo, join(infos, '\n', 0), fixture + " info " + fmt, "cat-file", "--batch-command" + fmt);
        }
    }

    /** Bad lines: git's message on stderr, its exit code, and exactly the stdout it had written. */
    @Test
    void failuresMatchGit() {
        Path repo = Fixtures.repo("history");
        List<String> bad = List.of("", " info HEAD", "\tinfo HEAD", "\rinfo HEAD", "bogus", "INFO HEAD", "info", "contents",
                "infoHEAD", "info\tHEAD", "contentsHEAD", "contents\tHEAD", "flush x", "flushx", "flush ", "\u000binfo HEAD",
                "\finfo HEAD", "\0info HEAD", "info\0 HEAD", "fl\0ush", "unknown \u00e9t\u00e9", "flush");
        for (String b : bad) {
            for (boolean buffer : List.of(false, true)) {
                for (char term : List.of('\n', '\0')) {
                    if (term == '\0' && b.indexOf('\0') >= 0) {
                        continue;
                    }
                    List<String> lines = new ArrayList<>(List.of("info HEAD", "contents HEAD:README.txt", "info nope"));
                    if (buffer) {
                        lines.add("flush");
                        lines.add("contents HEAD~1");
                    }
                    lines.add(b);
                    lines.add("info HEAD");
                    byte[] in = join(lines, term, 0);
                    List<String> args = new ArrayList<>(List.of("cat-file", "--batch-command"));
                    if (buffer) {
                        args.add("--buffer");
                    }
                    if (term == '\0') {
                        args.add("-z");
                    }
                    String what = "bad line " + visible(b) + " " + args;
                    CliRunner.Run git = CliRunner.git(repo, in, args.toArray(String[]::new));
                    CliRunner.Run ours = CliRunner.ours(repo, in, args.toArray(String[]::new));
                    CliGoldenTest.assertSame(git, ours, what);
                    if (b.equals("flush") && buffer) {
                        assertEquals(0, ours.code(), what);
                        continue;
                    }
                    assertEquals(128, ours.code(), what);
                    assertEquals(git.err(), ours.err(), what + ": stderr");
                }
            }
        }
    }

    /** A line holding a NUL byte is read up to it, as git's C strings read it, in every batch mode. */
    @Test
    void nulBytesInsideLines() {
        Path repo = Fixtures.repo("history");
        byte[] names = "HEAD\0junk\n\0\nHEAD\0 rest\nHEAD \0rest\nHEAD:README.txt\0\nnope\0HEAD\nHEAD~1\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        for (String mode : List.of("--batch-check", "--batch", "--batch-check=%(objectname) [%(rest)]", "--batch=%(objecttype) %(rest)")) {
            same(repo, names, "NUL " + mode, "cat-file", mode);
        }
        byte[] cmds = "info HEAD\0junk\ncontents HEAD:README.txt\0x\ninfo \0HEAD\ninfo nope\0HEAD\ncontents HEAD~1\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        same(repo, cmds, "NUL commands", "cat-file", "--batch-command");
        same(repo, cmds, "NUL commands --buffer", "cat-file", "--batch-command=%(objectname) %(objecttype) [%(rest)]", "--buffer");
    }

    /** A CR before the newline is dropped (not with -z); further blanks after "info " belong to the name. */
    @Test
    void blanksAndCarriageReturns() {
        Path repo = Fixtures.repo("history");
        byte[] in = "info HEAD\r\ninfo  HEAD\ninfo HEAD extra\ninfo HEAD\t\ncontents HEAD:README.txt\r\ninfo \ninfo \r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        same(repo, in, "blanks", "cat-file", "--batch-command");
        same(repo, in, "blanks rest", "cat-file", "--batch-command=%(objectname) [%(rest)] %(objecttype)");
        byte[] z = "info HEAD\r\0info HEAD\n\0info HEAD\0".getBytes(StandardCharsets.ISO_8859_1);
        same(repo, z, "-z CR", "cat-file", "-z", "--batch-command");
    }

    /** Option combinations: exit codes as git's (usage errors 129). */
    @Test
    void options() {
        Path repo = Fixtures.repo("history");
        for (List<String> args : List.of(List.of("--batch-command", "--batch"), List.of("--batch-check", "--batch-command"),
                List.of("--batch-command", "--batch-command"), List.of("--batch-command", "HEAD"), List.of("-t", "--batch-command"),
                List.of("--no-batch-command"), List.of("--batch-command", "-p"))) {
            List<String> a = new ArrayList<>(List.of("cat-file"));
            a.addAll(args);
            CliRunner.Run git = CliRunner.git(repo, "info HEAD\n".getBytes(StandardCharsets.UTF_8), a.toArray(String[]::new));
            CliRunner.Run ours = CliRunner.ours(repo, "info HEAD\n".getBytes(StandardCharsets.UTF_8), a.toArray(String[]::new));
            CliGoldenTest.assertSame(git, ours, a.toString());
        }
        CliRunner.Run empty = CliRunner.ours(repo, "info HEAD\ninfo nope\n".getBytes(StandardCharsets.UTF_8), "cat-file", "--batch-command=");
        assertEquals("\nnope missing\n", empty.text());
        same(repo, "info HEAD\ninfo nope\n".getBytes(StandardCharsets.UTF_8), "empty format", "cat-file", "--batch-command=");
        same(repo, new byte[0], "no input", "cat-file", "--batch-command", "--buffer");
        same(repo, "flush\nflush\n".getBytes(StandardCharsets.UTF_8), "flushes only", "cat-file", "--batch-command", "--buffer");
    }

    /** Interactive use: without --buffer each answer is out before the next command is read. */
    @Test
    void answersBeforeReadingTheNextCommand() throws Exception {
        Path repo = Fixtures.repo("history");
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(feed, 1 << 16);
        java.io.PipedInputStream answers = new java.io.PipedInputStream(1 << 20);
        java.io.PipedOutputStream stdout = new java.io.PipedOutputStream(answers);
        Cli cli = new Cli(stdin, stdout, new java.io.PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), repo, false);
        Thread t = new Thread(() -> Main.run(new String[] {"cat-file", "--batch-command"}, cli));
        t.start();
        String head = CliRunner.git(repo, null, "rev-parse", "HEAD").text().strip();
        for (int i = 0; i < 3; i++) {
            feed.write("info HEAD\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            byte[] line = new byte[head.length() + " commit ".length()];
            int n = 0;
            while (n < line.length) {
                int r = answers.read(line, n, line.length - n);
                assertTrue(r > 0);
                n += r;
            }
            assertEquals(head + " commit ", new String(line, StandardCharsets.US_ASCII));
            int c;
            while ((c = answers.read()) != '\n') {
                assertTrue(c >= '0' && c <= '9', "size digit");
            }
        }
        feed.close();
        t.join(10_000);
        assertTrue(!t.isAlive());
    }

    static String visible(String s) {
        return s.replace("\0", "\\0").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
                .replace("\u000b", "\\v").replace("\f", "\\f");
    }
}
