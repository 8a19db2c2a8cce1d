package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile batch input: lines of megabytes (git's answer up to the documented cap of
 * {@link BatchInput#MAX_LINE} bytes, a clean {@code fatal:} above it, in bounded memory), a
 * million commands (git's output, byte for byte), more queued commands than the cap of
 * {@link BatchCommands#MAX_QUEUED} bytes (a clean {@code fatal:}), and a separate small-heap JVM
 * fed hundreds of megabytes.
 */
class BatchInputLimitsTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static byte[] repeat(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A line of exactly the cap gets git's answer, in every batch mode; one byte more a clean error, the output before it kept. */
    @Test
    void lineOfTheCapAndOneByteMore() {
        Path repo = Fixtures.repo("history");
        int max = BatchInput.MAX_LINE;
        byte[] before = ascii("HEAD\nnope\n");
        for (String mode : List.of("--batch-check", "--batch", "--batch-check=%(objectname) %(rest)")) {
            byte[] atCap = concat(before, repeat('a', max), ascii("\nHEAD\n"));
            CliGoldenTest.assertSame(CliRunner.git(repo, atCap, "cat-file", mode), CliRunner.ours(repo, atCap, "cat-file", mode), mode + " at cap");
            byte[] rest = concat(before, ascii("HEAD "), repeat('r', max - 5), ascii("\n"));
            CliGoldenTest.assertSame(CliRunner.git(repo, rest, "cat-file", mode), CliRunner.ours(repo, rest, "cat-file", mode), mode + " long rest");
            byte[] crAtCap = concat(before, repeat('a', max - 1), ascii("\r\n"));
            CliGoldenTest.assertSame(CliRunner.git(repo, crAtCap, "cat-file", mode), CliRunner.ours(repo, crAtCap, "cat-file", mode), mode + " CR");
            byte[] over = concat(before, repeat('a', max + 1), ascii("\nHEAD\n"));
            CliRunner.Run ours = CliRunner.ours(repo, over, "cat-file", mode);
            assertEquals(128, ours.code(), mode);
            assertEquals("fatal: input line longer than " + max + " bytes\n", ours.err());
            assertArrayEquals(CliRunner.git(repo, before, "cat-file", mode).out(), ours.out(), mode + ": output before the long line");
        }
        byte[] cmdAtCap = concat(ascii("info HEAD\ninfo "), repeat('b', max - 5), ascii("\ncontents HEAD\n"));
        CliGoldenTest.assertSame(CliRunner.git(repo, cmdAtCap, "cat-file", "--batch-command"),
                CliRunner.ours(repo, cmdAtCap, "cat-file", "--batch-command"), "command at cap");
        byte[] cmdOver = concat(ascii("info HEAD\ninfo "), repeat('b', max), ascii("\n"));
        CliRunner.Run r = CliRunner.ours(repo, cmdOver, "cat-file", "--batch-command");
        assertEquals(128, r.code());
        assertArrayEquals(CliRunner.git(repo, ascii("info HEAD\n"), "cat-file", "--batch-command").out(), r.out());
        CliRunner.Run z = CliRunner.ours(repo, concat(ascii("HEAD\0"), repeat('\n', max + 1)), "cat-file", "-z", "--batch-check");
        assertEquals(128, z.code(), "-z: newlines are bytes of the line");
    }

    /** A million commands, queued with --buffer until the end of the input: git's output byte for byte. */
    @Test
    void aMillionCommands() {
        Path repo = Fixtures.repo("history");
        String[] ids = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text().split("\n");
        StringBuilder sb = new StringBuilder(48 * 1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            if (i % 1000 == 999) {
                sb.append("info 0123456789abcdef0123456789abcdef0123456").append(i % 10).append('\n');
            } else {
                sb.append("info ").append(ids[i % ids.length]).append('\n');
            }
        }
        byte[] in = ascii(sb.toString());
        CliRunner.Run git = CliRunner.git(repo, in, "cat-file", "--batch-command", "--buffer");
        CliRunner.Run ours = CliRunner.ours(repo, in, "cat-file", "--batch-command", "--buffer");
        assertEquals(0, git.code());
        CliGoldenTest.assertSame(git, ours, "1,000,000 queued commands");
        byte[] ended = concat(in, ascii("bogus\n"));
        CliRunner.Run g = CliRunner.git(repo, ended, "cat-file", "--batch-command", "--buffer");
        CliRunner.Run o = CliRunner.ours(repo, ended, "cat-file", "--batch-command", "--buffer");
        CliGoldenTest.assertSame(g, o, "1,000,000 queued commands, then a bad one: none runs");
        assertEquals(0, o.out().length);
    }

    /** The caps set through the environment: a line of the cap reads, one byte more and one queued byte more fail cleanly. */
    @Test
    void capsSetByTheEnvironment() {
        Path repo = Fixtures.repo("history");
        java.util.Map<String, String> env = java.util.Map.of("SMMAP4J_BATCH_MAX_LINE", "64", "SMMAP4J_BATCH_MAX_QUEUED", "1k");
        byte[] atCap = concat(ascii("HEAD\n"), repeat('a', 64), ascii("\nHEAD\n"));
        CliGoldenTest.assertSame(CliRunner.git(repo, atCap, "cat-file", "--batch-check"),
                CliRunner.ours(repo, atCap, env, "cat-file", "--batch-check"), "at an environment cap of 64");
        byte[] over = concat(ascii("HEAD\n"), repeat('a', 65), ascii("\nHEAD\n"));
        CliRunner.Run r = CliRunner.ours(repo, over, env, "cat-file", "--batch-check");
        assertEquals(128, r.code());
        assertEquals("fatal: input line longer than 64 bytes\n", r.err());
        assertArrayEquals(CliRunner.git(repo, ascii("HEAD\n"), "cat-file", "--batch-check").out(), r.out());
        byte[] queued = concat(ascii("info HEAD\nflush\n"), ascii("info HEAD\n".repeat(1024 / 9 + 1)));
        r = CliRunner.ours(repo, queued, env, "cat-file", "--batch-command", "--buffer");
        assertEquals(128, r.code());
        assertEquals("fatal: more than 1024 bytes of commands queued without a flush\n", r.err());
        r = CliRunner.ours(repo, ascii("HEAD\n"), java.util.Map.of("SMMAP4J_BATCH_MAX_LINE", "0"), "cat-file", "--batch-check");
        assertEquals(128, r.code());
        assertTrue(r.err().startsWith("fatal: bad size for SMMAP4J_BATCH_MAX_LINE"), r.err());
    }

    /** More queued bytes than the cap: a clean error; what earlier flushes printed stays. */
    @Test
    void queueCap() {
        Path repo = Fixtures.repo("history");
        byte[] line = concat(ascii("info "), repeat('q', BatchInput.MAX_LINE - 5), ascii("\n"));
        int lines = BatchCommands.MAX_QUEUED / BatchInput.MAX_LINE + 1;
        List<byte[]> parts = new ArrayList<>(List.of(ascii("info HEAD\nflush\n")));
        for (int i = 0; i < lines; i++) {
            parts.add(line);
        }
        parts.add(ascii("flush\n"));
        CliRunner.Run r = CliRunner.ours(repo, concat(parts.toArray(byte[][]::new)), "cat-file", "--batch-command", "--buffer");
        assertEquals(128, r.code());
        assertEquals("fatal: more than " + BatchCommands.MAX_QUEUED + " bytes of commands queued without a flush\n", r.err());
        assertArrayEquals(CliRunner.git(repo, ascii("info HEAD\n"), "cat-file", "--batch-command").out(), r.out());
        // the same lines with a flush between every 32 of them: all run, as in git
        List<byte[]> flushed = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            flushed.add(line);
            if (i % 32 == 31) {
                flushed.add(ascii("flush\n"));
            }
        }
        byte[] in = concat(flushed.toArray(byte[][]::new));
        CliGoldenTest.assertSame(CliRunner.git(repo, in, "cat-file", "--batch-command", "--buffer"),
                CliRunner.ours(repo, in, "cat-file", "--batch-command", "--buffer"), "flushed in time");
    }

    /**
     * A JVM with a 64 MiB heap fed 512 MiB without a newline, and 256 MiB of queued commands:
     * each ends with one {@code fatal:} line and exit code 128, quickly, without running out of memory.
     */
    @Test
    void separateSmallHeapJvm(@TempDir Path tmp) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assumeTrue(cp != null && !cp.isBlank(), "no class path to start a JVM with");
        Path repo = Fixtures.repo("history");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        byte[] noNewline = repeat('x', 1 << 20);
        byte[] command = ascii("info " + "0".repeat(40) + "\n");
        byte[] commands = new byte[command.length * 20_000];
        for (int i = 0; i < 20_000; i++) {
            System.arraycopy(command, 0, commands, i * command.length, command.length);
        }
        for (List<String> args : List.of(List.of("--batch-check"), List.of("--batch-command"), List.of("--batch-command", "--buffer"))) {
            boolean queue = args.contains("--buffer");
            byte[] chunk = queue ? commands : noNewline;
            long total = queue ? 256L << 20 : 512L << 20;
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx" + (queue ? "128m" : "64m"), "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"),
                    "-cp", cp, Main.class.getName(), "cat-file", "-C", repo.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(new File("/dev/null")).start();
            Thread feeder = new Thread(() -> {
                try (OutputStream o = p.getOutputStream()) {
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        o.write(chunk);
                    }
                } catch (IOException ignored) {
                    // the reader stopped reading: expected
                }
            });
            feeder.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang: " + args);
            feeder.join(10_000);
            assertEquals(128, p.exitValue(), args + ": " + err);
            assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), args + ":\n" + err);
            assertEquals(1, err.lines().count(), args + ": " + err);
            assertTrue(err.startsWith("fatal: "), err);
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
            }
        }
    }
}
