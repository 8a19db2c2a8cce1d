package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.FuzzRuns;
import io.github.smmap4j.pack.GitBatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random {@code cat-file --batch-command} sessions and revision names: commands from the
 * grammar ({@code contents}, {@code info}, {@code flush}, unknown, empty, missing argument)
 * with names built from revision syntax (refs, ids and abbreviations, {@code ~N ^N @{N} ^{type}
 * :path :./ :../ :/text}), mutated with random bytes, NULs, CR, non-ASCII, huge numbers and long
 * runs; {@code --buffer}, {@code -z} and formats at random. Every session must give git's
 * stdout byte for byte and git's exit code (one case in {@value #GIT_EVERY} is compared with
 * git, as git needs a process per case), and every session must end with a git exit code and
 * no Java exception on stderr.
 *
 * <p>Quick run: {@value #QUICK} sessions, fixed seed. Long run:
 * {@code -Dsmmap4j.fuzz.iterations=100000 [-Dsmmap4j.fuzz.seed=<n>]}; a failure names
 * {@code -Dsmmap4j.fuzz.replay=<seed>:<iteration>}.
 */
class BatchCommandFuzzTest {
    static final int QUICK = 300;
    static final int GIT_EVERY = 5;
    private static final long FIXED_SEED = 0xbc0dL;
    /** What no user may see: a Java exception or frame. */
    private static final Pattern JAVA = Pattern.compile("Exception|Error:|\\bat [a-z]+\\.[a-z]|java\\.|io\\.github");
    private static final String[] BASES = {"HEAD", "main", "refs/heads/main", "v1.0", "v1.0-nested", "light", "@",
            "HEAD@{0}", "HEAD@{1}", "main@{0}", "not-a-ref", "", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "e69de29",
            "0000000000000000000000000000000000000000", "deadbeef", "abc", ":/", ":/initial", "HEAD:", ":0:README.txt"};
    private static final String[] SUFFIXES = {"~", "~1", "~3", "~99999999999999999999", "^", "^0", "^2", "^{}", "^{tree}",
            "^{commit}", "^{blob}", "^{tag}", "^{object}", "^{/}", "^{/x}", "@{0}", "@{-1}", "@{99}", ":README.txt",
            ":src/main", ":./x", ":../y", ":nope", ":src/../README.txt", ":src//main", "^!", "^@", "..HEAD", "...main"};
    private static final String[] FORMATS = {"", "=%(objectname)", "=%(objecttype) %(objectsize) [%(rest)]",
            "=%(objectname) %(objecttype) %(objectsize:disk) %(deltabase)", "=%(objecttype)%(objecttype) %z"};

    static String repoName;
    static Path repo;

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        repoName = "history";
        repo = Fixtures.repo(repoName);
    }

    @Test
    void randomSessionsMatchGitAndNeverLeakJava() {
        FuzzRuns runs = FuzzRuns.of(QUICK, FIXED_SEED);
        long seed = runs.seed();
        System.out.println("BatchCommandFuzzTest seed " + seed + ", " + runs.count() + " sessions");
        int compared = 0;
        for (int i = runs.from(); i < runs.to(); i++) {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
            List<String> args = new ArrayList<>(List.of("cat-file"));
            if (rnd.nextInt(3) == 0) {
                args.add("--buffer");
            }
            boolean z = rnd.nextInt(4) == 0;
            if (z) {
                args.add("-z");
            }
            args.add("--batch-command" + FORMATS[rnd.nextInt(FORMATS.length)]);
            boolean buffered = args.contains("--buffer");
            byte[] in = session(rnd, z ? 0 : '\n', buffered);
            String where = "case " + runs.replay(i) + " args " + args + " input "
                    + new String(in, StandardCharsets.ISO_8859_1).replace("\0", "\\0");
            CliRunner.Run ours = CliRunner.ours(repo, in, args.toArray(String[]::new));
            assertTrue(ours.code() == 0 || ours.code() == 128 || ours.code() == 129, "exit " + ours.code() + ": " + where);
            assertFalse(JAVA.matcher(ours.err()).find(), "Java on stderr: " + ours.err() + " " + where);
            if (i % GIT_EVERY == 0 && !contentsWithoutType(args) && !currentBranchReflogDate(in) && !searchNotUtf8(in)) {
                CliRunner.Run git = CliRunner.git(repo, in, args.toArray(String[]::new));
                try {
                    CliGoldenTest.assertSame(git, ours, where + "; git's stderr: " + git.err());
                } catch (AssertionError e) {
                    saveFailure(in, args, git, ours);
                    throw e;
                }
                compared++;
            }
        }
        System.out.println("BatchCommandFuzzTest: " + runs.count() + " sessions, " + compared + " compared with git");
    }

    /** Writes a failing case to target/fuzz-failures/ (input, args, both outputs) for a look with git by hand. */
    private static void saveFailure(byte[] in, List<String> args, CliRunner.Run git, CliRunner.Run ours) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve("input.bin"), in);
            java.nio.file.Files.writeString(dir.resolve("args.txt"), String.join("\n", args) + "\n");
            java.nio.file.Files.write(dir.resolve("git.out"), git.out());
            java.nio.file.Files.write(dir.resolve("ours.out"), ours.out());
            java.nio.file.Files.writeString(dir.resolve("git.err"), git.err());
            java.nio.file.Files.writeString(dir.resolve("ours.err"), ours.err());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * True if a line names {@code @{<not a number>}...}, the current branch's reflog by date:
     * git reads the date with its approxidate and dies on the empty log (README: reflog dates
     * are not supported here).
     */
    private static boolean currentBranchReflogDate(byte[] in) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        for (int at = s.indexOf(" @{"); at >= 0; at = s.indexOf(" @{", at + 1)) {
            int close = s.indexOf('}', at);
            if (close < 0 || !s.substring(at + 3, close).matches("[0-9]+")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if a line holding a message search ({@code :/} or {@code ^{/}) has bytes that are not
     * UTF-8: git matches such bytes inside the messages' bytes (a lone 0x9f matches the second
     * byte of "ß"), here they become U+FFFD and match nothing (README: not supported).
     */
    private static boolean searchNotUtf8(byte[] in) {
        int start = 0;
        for (int k = 0; k <= in.length; k++) {
            if (k == in.length || in[k] == '\n' || in[k] == 0) {
                String latin = new String(in, start, k - start, StandardCharsets.ISO_8859_1);
                if ((latin.contains(":/") || latin.contains("{/")) && !utf8(in, start, k - start)) {
                    return true;
                }
                start = k + 1;
            }
        }
        return false;
    }

    private static boolean utf8(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b, off, len));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** git 2.39 asserts on {@code contents} with a format lacking {@code %(objecttype)} (a documented difference). */
    private static boolean contentsWithoutType(List<String> args) {
        String last = args.getLast();
        return last.contains("=") && !last.contains("%(objecttype)");
    }

    /** A session of 1 to 12 commands, each ended by {@code term}. */
    private static byte[] session(SplittableRandom rnd, int term, boolean buffered) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int n = 1 + rnd.nextInt(12);
        for (int c = 0; c < n; c++) {
            int kind = rnd.nextInt(20);
            String cmd = kind < 8 ? "contents " + name(rnd) : kind < 16 ? "info " + name(rnd)
                    : kind == 16 && buffered ? "flush" : kind == 17 ? "" : kind == 18 ? "info" : "bogus " + name(rnd);
            b.writeBytes(mutate(rnd, cmd.getBytes(StandardCharsets.UTF_8)));
            if (rnd.nextInt(30) != 0) { // the last line may lack its terminator
                b.write(term);
            }
        }
        return b.toByteArray();
    }

    /**
     * A base and up to three suffixes. Not generated: more suffixes after a leading {@code @{N}}
     * (the current branch's reflog): when such a name fails to peel, git reads everything after
     * {@code @{} as an approximate date (README: reflog dates are not supported).
     */
    private static String name(SplittableRandom rnd) {
        StringBuilder s = new StringBuilder(BASES[rnd.nextInt(BASES.length)]);
        for (int k = rnd.nextInt(4); k > 0 && !s.toString().startsWith("@{"); k--) {
            s.append(SUFFIXES[rnd.nextInt(SUFFIXES.length)]);
        }
        return s.toString();
    }

    /** Usually unchanged; else one of: a random byte, a NUL, a CR, a non-ASCII letter, a long run, a cut. */
    private static byte[] mutate(SplittableRandom rnd, byte[] line) {
        if (line.length == 0 || rnd.nextInt(3) != 0) {
            return line;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int at = rnd.nextInt(line.length + 1);
        b.write(line, 0, at);
        switch (rnd.nextInt(7)) {
            case 0 -> b.write(1 + rnd.nextInt(255));
            case 1 -> b.write(0);
            case 2 -> b.write('\r');
            case 3 -> b.writeBytes("é".getBytes(StandardCharsets.UTF_8));
            case 4 -> b.writeBytes("~".repeat(1 + rnd.nextInt(200)).getBytes(StandardCharsets.US_ASCII));
            case 5 -> b.writeBytes(" ".repeat(1 + rnd.nextInt(3)).getBytes(StandardCharsets.US_ASCII));
            default -> {
                return java.util.Arrays.copyOf(line, at);
            }
        }
        b.write(line, at, line.length - at);
        return b.toByteArray();
    }
}
