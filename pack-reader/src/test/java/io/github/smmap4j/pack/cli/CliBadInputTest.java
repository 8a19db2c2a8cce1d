package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.PackMutations;
import io.github.smmap4j.pack.PackSurgery;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI on damaged fixtures (the fuzzers' mutations): {@code cat-file --batch-all-objects
 * --batch} and {@code verify-pack} fail with a short message — never a stack trace, an
 * OutOfMemoryError or a JVM crash — and {@code verify-pack} rejects every changed byte.
 */
class CliBadInputTest {
    private static final int CASES = Integer.getInteger("smmap4j.cli.fuzz.cases", 40);

    @ParameterizedTest
    @ValueSource(strings = {"history", "refdelta", "idx64", "idxv1", "sha256", "bigblob"})
    void mutatedFixturesFailCleanly(String fixture) throws Exception {
        PackSurgery s = PackSurgery.of(fixture);
        String gitDir = s.gitDir.toString();
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            Random rnd = new Random(0xC11L * 1_000_003L + i * 7919L + fixture.hashCode());
            s.reset();
            String what = PackMutations.mutate(s, rnd);
            s.write();
            boolean changed = !Arrays.equals(s.pack, s.origPack) || !Arrays.equals(s.idx, s.origIdx);
            String label = fixture + " case " + i + " (" + what + ")";

            CliRunner.Run batch = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> CliRunner.ours(s.gitDir, null, "cat-file", "--git-dir", gitDir, "--batch-all-objects", "--batch"),
                    "cat-file hangs: " + label);
            assertCleanBatch(batch, label + " cat-file", s.entries.size());

            CliRunner.Run verify = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> CliRunner.ours(s.gitDir, null, "verify-pack", "-v", s.idxPath.toString()),
                    "verify-pack hangs: " + label);
            assertCleanFailure(verify, label + " verify-pack");
            if (changed) {
                // Trailers, CRC32s and recomputed ids cover every byte of pack and index.
                assertNotEquals(0, verify.code(), "verify-pack accepted a damaged pack: " + label + "\n" + verify.err());
                rejected++;
            }
        }
        assertTrue(rejected > CASES / 2, "most mutations change bytes: " + rejected + " of " + CASES);
    }

    /**
     * A batch reports as git does: one {@code error:} line for each object it cannot read (printed
     * missing, the batch going on), and when it fails, one {@code fatal:} line, the last; nothing
     * else on stderr, and no Java internals.
     */
    private static void assertCleanBatch(CliRunner.Run run, String label, int objects) {
        assertNoJavaInternals(run.err(), label);
        List<String> lines = run.err().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("error: ") || l.startsWith("fatal: ")),
                label + ": only error: and fatal: lines expected, got:\n" + run.err());
        assertTrue(lines.size() <= objects + 1, label + ": more than one error line per object:\n" + run.err());
        long fatal = lines.stream().filter(l -> l.startsWith("fatal: ")).count();
        assertEquals(run.code() != 0 ? 1 : 0, fatal, label + ": exit " + run.code() + ", stderr:\n" + run.err());
        if (fatal == 1) {
            assertTrue(lines.getLast().startsWith("fatal: "), label + ": the fatal line ends the run:\n" + run.err());
        }
    }

    private static void assertNoJavaInternals(String err, String label) {
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread") || err.contains("OutOfMemoryError")
                || err.contains("java.lang."), label + ": stack trace or JVM error on stderr:\n" + err);
    }

    /** A failure is short, names no Java internals and carries no stack trace; success prints nothing on stderr. */
    private static void assertCleanFailure(CliRunner.Run run, String label) {
        String err = run.err();
        assertNoJavaInternals(err, label);
        List<String> lines = err.lines().toList();
        assertTrue(lines.size() <= 2, label + ": expected a one-line message, got:\n" + err);
        if (run.code() != 0) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("fatal: ") || l.startsWith("error: ")).count(),
                    label + ": one fatal/error line expected, got:\n" + err);
        }
    }

    /**
     * Out of process with a small heap: a damaged pack that declares a huge object ends with a
     * one-line error, exit code 128, and no hs_err crash file.
     */
    @Test
    void separateJvmWithSmallHeapNeverCrashes(@TempDir Path tmp) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assumeTrue(cp != null && !cp.isBlank(), "no class path to start a JVM with");
        PackSurgery s = PackSurgery.of("bigblob");
        // The 3 MB blob's header claims 2^40 bytes instead: the reader must refuse, not allocate.
        PackSurgery.Entry big = s.entries.stream().filter(e -> e.size() > 1_000_000).findFirst().orElseThrow();
        byte[] hdr = {(byte) (0x80 | (big.typeCode() << 4)), (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        byte[] out = new byte[s.pack.length - big.headerLength() + hdr.length];
        System.arraycopy(s.pack, 0, out, 0, (int) big.offset());
        System.arraycopy(hdr, 0, out, (int) big.offset(), hdr.length);
        System.arraycopy(s.pack, (int) big.dataOffset(), out, (int) big.offset() + hdr.length,
                s.pack.length - (int) big.dataOffset());
        s.pack = out;
        s.fixTrailers();
        s.write();
        // (offsets after the entry moved: the idx no longer matches them, which is damage too)
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (List<String> args : List.of(
                List.of("cat-file", "--git-dir", s.gitDir.toString(), "--batch-all-objects", "--batch"),
                List.of("verify-pack", "-v", s.idxPath.toString()))) {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx48m", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"),
                    "-cp", cp, Main.class.getName()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(new File("/dev/null")).start();
            p.getOutputStream().close();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hang: " + args);
            assertNotEquals(0, p.exitValue(), args + " accepted the damage; stderr:\n" + err);
            assertTrue(p.exitValue() <= 128, args + " died with exit " + p.exitValue() + " (a signal or JVM abort):\n" + err);
            assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), args + ":\n" + err);
            assertTrue(err.lines().anyMatch(l -> l.startsWith("fatal: ")), args + ": no fatal line:\n" + err);
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
            }
        }
    }
}
