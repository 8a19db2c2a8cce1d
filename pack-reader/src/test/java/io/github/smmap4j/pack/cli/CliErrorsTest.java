package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong arguments, unknown objects, non-repositories and corrupt packs: git-like messages and exit codes, no stack traces. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private static CliRunner.Run ours(Path cwd, String... args) {
        CliRunner.Run r = CliRunner.ours(cwd, null, args);
        CliGoldenTest.assertNoStackTrace(r);
        return r;
    }

    @Test
    void notARepository() {
        CliRunner.Run r = ours(tmp, "cat-file", "-t", "HEAD");
        assertEquals(128, r.code());
        assertEquals("fatal: not a git repository (or any of the parent directories): .git\n", r.err());
        if (GitBatch.gitAvailable()) {
            CliRunner.Run g = CliRunner.git(tmp, null, "cat-file", "-t", "HEAD");
            assertEquals(g.code(), r.code());
        }
        CliRunner.Run d = ours(tmp, "cat-file", "--git-dir", tmp.resolve("nope").toString(), "-t", "HEAD");
        assertEquals(128, d.code());
        assertTrue(d.err().startsWith("fatal: not a git repository: '"), d.err());
        CliRunner.Run c = ours(tmp, "stats", "-C", tmp.resolve("missing").toString());
        assertEquals(128, c.code());
        assertTrue(c.err().startsWith("fatal: cannot change to '"), c.err());
    }

    @Test
    void unknownObjects() {
        Path repo = Fixtures.repo("history");
        assertEquals("fatal: Not a valid object name deadbeef\n", ours(repo, "cat-file", "-t", "deadbeef").err());
        assertEquals(128, ours(repo, "cat-file", "-p", "nope").code());
        assertEquals(1, ours(repo, "cat-file", "-e", "0000000000000000000000000000000000000001").code());
        CliRunner.Run t = ours(repo, "cat-file", "-t", "0000000000000000000000000000000000000001");
        assertEquals(128, t.code());
        assertEquals("fatal: git cat-file: could not get object info\n", t.err());
    }

    @Test
    void ambiguousAbbreviation() {
        Path repo = Fixtures.repo("deepchain"); // 13500 objects: some 4-digit prefix is shared
        String[] ids = CliRunner.ours(repo, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text().split("\n");
        String prefix = null;
        for (int i = 1; i < ids.length && prefix == null; i++) {
            if (ids[i].regionMatches(0, ids[i - 1], 0, 4)) {
                prefix = ids[i].substring(0, 4);
            }
        }
        CliRunner.Run r = ours(repo, "cat-file", "-t", prefix);
        assertEquals(128, r.code());
        assertTrue(r.err().startsWith("error: short object ID " + prefix + " is ambiguous\n"), r.err());
        CliRunner.Run b = CliRunner.ours(repo, (prefix + "\n").getBytes(), "cat-file", "--batch-check");
        assertEquals(prefix + " ambiguous\n", b.text());
    }

    @Test
    void wrongArguments() {
        Path repo = Fixtures.repo("history");
        for (List<String> args : List.of(List.of("cat-file", "--bogus"), List.of("cat-file", "-p"), List.of("cat-file", "-t", "a", "b"),
                List.of("cat-file", "--batch", "x"), List.of("cat-file", "--batch-all-objects"), List.of("cat-file", "-p", "--batch", "x"),
                List.of("verify-pack"), List.of("verify-pack", "-q", "x"), List.of("show-index", "x"), List.of("stats", "extra"),
                List.of("cat-file", "--window-size"))) {
            CliRunner.Run r = ours(repo, args.toArray(String[]::new));
            assertEquals(129, r.code(), args + ": " + r.err());
            assertTrue(r.err().contains("usage: smmap4j "), args + ": " + r.err());
            if (GitBatch.gitAvailable() && !args.contains("stats") && !args.contains("show-index") && !args.contains("--window-size")) {
                assertEquals(129, CliRunner.git(repo, null, args.toArray(String[]::new)).code(), "git " + args);
            }
        }
        CliRunner.Run f = ours(repo, "cat-file", "--batch-check=%(bogus)");
        assertEquals(128, f.code());
        assertEquals("fatal: unknown format element: bogus\n", f.err());
        CliRunner.Run s = ours(repo, "cat-file", "--window-size", "lots", "-t", "HEAD");
        assertEquals(128, s.code());
        CliRunner.Run u = ours(repo, "frobnicate");
        assertEquals(1, u.code());
        assertTrue(u.err().contains("is not a smmap4j command"), u.err());
    }

    @Test
    void helpForEveryCommand() {
        for (String c : List.of("cat-file", "verify-pack", "show-index", "stats")) {
            CliRunner.Run r = ours(tmp, c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.text().startsWith("usage: smmap4j " + c), r.text());
        }
        CliRunner.Run r = ours(tmp, "--help");
        assertEquals(0, r.code());
        assertTrue(r.text().contains("verify-pack"));
    }

    private Path copyPack(String fixture) throws IOException {
        Path src = Fixtures.repo(fixture).resolve("objects/pack");
        Path dst = Files.createDirectories(tmp.resolve(fixture));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Path d = dst.resolve(p.getFileName());
                Files.copy(p, d);
                d.toFile().setWritable(true);
            }
        }
        try (Stream<Path> s = Files.list(dst)) {
            return s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
        }
    }

    private static void flip(Path file, long pos) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x40);
        }
    }

    private void assertBad(Path pack, String expectedInMessage) {
        CliRunner.Run r = ours(tmp, "verify-pack", "-v", pack.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(pack + ": bad\n", r.text());
        assertTrue(r.err().startsWith("fatal: ") && r.err().contains(expectedInMessage), r.err());
        if (GitBatch.gitAvailable()) {
            CliRunner.Run g = CliRunner.git(tmp, null, "verify-pack", "-v", pack.toString());
            assertEquals(g.code(), r.code(), g.err());
            assertTrue(g.text().endsWith(pack + ": bad\n"), g.text());
        }
    }

    @Test
    void corruptPackData() throws IOException {
        Path pack = copyPack("history");
        flip(pack, Files.size(pack) / 2);
        assertBad(pack, "CRC32 mismatch");
    }

    @Test
    void corruptPackTrailer() throws IOException {
        Path pack = copyPack("idxv1");
        flip(pack, Files.size(pack) - 3);
        assertBad(pack, "checksum");
    }

    @Test
    void corruptIndexChecksum() throws IOException {
        Path pack = copyPack("bigblob");
        Path idx = Path.of(pack.toString().replace(".pack", ".idx"));
        flip(idx, Files.size(idx) - 1);
        assertBad(pack, "index checksum mismatch");
    }

    @Test
    void corruptObjectInV1IndexIsFoundByItsId() throws IOException {
        Path pack = copyPack("idxv1"); // v1 has no CRCs: only the id (and the trailer) can catch it
        flip(pack, Files.size(pack) / 3);
        CliRunner.Run r = ours(tmp, "verify-pack", pack.toString());
        assertEquals(1, r.code());
        assertEquals("", r.text());
        assertTrue(r.err().startsWith("fatal: "), r.err());
    }

    @Test
    void missingPack() {
        CliRunner.Run r = ours(tmp, "verify-pack", "-v", tmp.resolve("pack-nope.idx").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("fatal: "), r.err());
        assumeTrue(GitBatch.gitAvailable());
        assertEquals(CliRunner.git(tmp, null, "verify-pack", "-v", tmp.resolve("pack-nope.idx").toString()).text(), r.text());
    }
}
