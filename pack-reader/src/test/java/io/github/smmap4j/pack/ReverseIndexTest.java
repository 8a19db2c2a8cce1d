package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * git's {@code .rev} files: mapped and used when valid, ignored with a warning (and the order
 * computed from the index) when damaged in any field; both orders agree on every rank.
 */
class ReverseIndexTest {
    /** Writes {@code pack-*.rev} beside every pack with git's own index-pack. */
    private static List<Path> writeRevFiles(Path gitDir, String hash) throws IOException, InterruptedException {
        List<Path> revs = new ArrayList<>();
        try (var s = Files.list(gitDir.resolve("objects/pack"))) {
            for (Path pack : s.filter(p -> p.toString().endsWith(".pack")).sorted().toList()) {
                Path tmpIdx = gitDir.resolve("tmp-" + pack.getFileName() + ".idx");
                // index-pack writes <idx without .idx>.rev: point it at a scratch idx, then move the .rev.
                Process p = new ProcessBuilder("git", "index-pack", "--rev-index", "--object-format=" + hash,
                        "-o", tmpIdx.toString(), pack.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assumeTrue(p.waitFor() == 0, "git index-pack --rev-index (git 2.31+): " + out);
                Path made = gitDir.resolve("tmp-" + pack.getFileName() + ".rev");
                Path rev = pack.resolveSibling(pack.getFileName().toString().replace(".pack", ".rev"));
                Files.move(made, rev);
                Files.delete(tmpIdx);
                revs.add(rev);
            }
        }
        return revs;
    }

    /** Asserts that two orders agree on every rank: position, offset, packed length, rank lookups. */
    private static void assertSame(ReverseIndex want, ReverseIndex got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.offsetAt(i), got.offsetAt(i), "offset of rank " + i);
            assertEquals(want.positionAt(i), got.positionAt(i), "position of rank " + i);
            assertEquals(want.packedLength(i), got.packedLength(i), "packed length of rank " + i);
            assertEquals(i, got.rankOf(got.offsetAt(i)), "rank of offset " + got.offsetAt(i));
            assertEquals(-1, got.rankOf(got.offsetAt(i) + 1), "offset inside entry " + i);
            if (i + 1 < got.size()) {
                assertEquals(i, got.rankBetween(got.offsetAt(i), 0, i + 1));
                assertEquals(i, got.rankBetween(got.offsetAt(i), i, got.size() - 1));
                assertEquals(-1, got.rankBetween(got.offsetAt(i) + 1, 0, i + 1));
            }
        }
        assertEquals(-1, got.rankOf(11));
    }

    private static PackFile packOf(ObjectDatabase db, Path rev) {
        return db.packs().stream().filter(q -> rev.equals(ReverseIndex.revPath(q))).findFirst().orElseThrow();
    }

    /** The {@code .rev} files {@code git repack} writes with {@code pack.writeReverseIndex} (git 2.41's default), SHA-1 and SHA-256. */
    @Test
    void revFilesOfGitsRepackAreRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write .rev files");
        for (String hash : List.of("sha1", "sha256")) {
            Path d = dir.resolve(hash);
            TestRepo.run(dir, null, "init", "-q", "-b", "main", "--object-format=" + hash, d.toString());
            TestRepo r = TestRepo.at(d);
            for (int c = 0; c < 8; c++) {
                r.write("f.txt", "line\n".repeat(20 + c) + c + "\n");
                r.git("add", "-A");
                r.git("commit", "-q", "-m", "c" + c);
            }
            r.git("-c", "pack.writeReverseIndex=true", "repack", "-a", "-d", "-q");
            try (ObjectDatabase db = ObjectDatabase.open(d)) {
                PackFile p = db.packs().getFirst();
                assertEquals(true, Files.exists(PackFile.sibling(p.packPath(), ".rev")), hash);
                ReverseIndex fromGit = ReverseIndex.fromRevFile(p, db.manager(), w -> { throw new AssertionError(w); });
                assertNotNull(fromGit, hash + ": git's .rev is used");
                assertSame(ReverseIndex.sorted(p), fromGit);
            }
        }
    }

    @Test
    void gitsRevFilesAreMappedAndAgreeWithTheComputedOrder() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write .rev files");
        for (String fixture : List.of("history", "multipack", "sha256", "deepchain", "refdelta", "idx64", "idxv1", "bigblob", "loose")) {
            Path gitDir = Fixtures.extractFresh(fixture).resolve(fixture + ".git");
            String hash = fixture.equals("sha256") ? "sha256" : "sha1";
            List<Path> revs = writeRevFiles(gitDir, hash);
            List<String> warnings = new ArrayList<>();
            try (ObjectDatabase db = ObjectDatabase.builder(gitDir).warnings(warnings::add).build()) {
                for (Path rev : revs) {
                    PackFile p = packOf(db, rev);
                    ReverseIndex fromGit = ReverseIndex.fromRevFile(p, db.manager(), warnings::add);
                    assertNotNull(fromGit, fixture + ": a valid .rev is used");
                    assertTrue(fromGit.mapped());
                    ReverseIndex computed = ReverseIndex.sorted(p);
                    assertFalse(computed.mapped());
                    assertSame(computed, fromGit);
                    assertTrue(p.reverseIndex().mapped(), "the pack uses its .rev");
                    fromGit.close();
                }
            }
            assertEquals(List.of(), warnings, fixture);
        }
    }

    @Test
    void packsWrittenByGitWithWriteReverseIndexAgree(@TempDir Path tmp) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        TestRepo r = TestRepo.init(tmp, "r");
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 30; i++) {
                r.write("d" + (i % 5) + "/f" + i, ("file " + i + " round " + c + "\n").repeat(1 + i));
            }
            r.git("add", ".");
            r.git("commit", "-q", "-m", "c" + c);
        }
        r.git("-c", "pack.writeReverseIndex=true", "repack", "-adq");
        try (var s = Files.list(r.gitDir.resolve("objects/pack"))) {
            assumeTrue(s.anyMatch(p -> p.toString().endsWith(".rev")), "this git writes no .rev (before 2.31)");
        }
        try (ObjectDatabase db = ObjectDatabase.open(r.gitDir)) {
            PackFile p = db.packs().getFirst();
            assertTrue(p.reverseIndex().mapped());
            assertSame(ReverseIndex.sorted(p), p.reverseIndex());
        }
    }

    @Test
    void damagedRevFilesAreIgnoredWithAWarning() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write .rev files");
        for (String fixture : List.of("history", "sha256")) {
            Path gitDir = Fixtures.extractFresh(fixture).resolve(fixture + ".git");
            String hash = fixture.equals("sha256") ? "sha256" : "sha1";
            int h = hash.equals("sha1") ? 20 : 32;
            Path rev = writeRevFiles(gitDir, hash).getFirst();
            byte[] orig = Files.readAllBytes(rev);
            int n = (orig.length - 12 - 2 * h) / 4;
            Map<String, byte[]> damaged = new LinkedHashMap<>();
            damaged.put("signature", with(orig, 0, 'X'));
            damaged.put("version", with(orig, 7, 2));
            damaged.put("hash id", with(orig, 11, hash.equals("sha1") ? 2 : 1));
            damaged.put("hash id 0", with(orig, 11, 0));
            damaged.put("truncated", java.util.Arrays.copyOf(orig, orig.length - 1));
            damaged.put("one byte more", java.util.Arrays.copyOf(orig, orig.length + 1));
            damaged.put("header only", java.util.Arrays.copyOf(orig, 12));
            damaged.put("empty", new byte[0]);
            damaged.put("pack checksum", with(orig, 12 + 4 * n, orig[12 + 4 * n] ^ 1));
            damaged.put("position n", withInt(orig, 12 + 4 * (n / 2), n));
            damaged.put("position -1", withInt(orig, 12, -1));
            damaged.put("two positions swapped", swapped(orig, 12, 16));
            damaged.put("a position twice", withInt(orig, 16, PackSurgery.getInt(orig, 12)));
            for (Map.Entry<String, byte[]> d : damaged.entrySet()) {
                Files.write(rev, d.getValue());
                List<String> warnings = new ArrayList<>();
                try (ObjectDatabase db = ObjectDatabase.builder(gitDir).warnings(warnings::add).build()) {
                    PackFile p = packOf(db, rev);
                    ReverseIndex used = p.reverseIndex();
                    assertFalse(used.mapped(), fixture + ", " + d.getKey() + ": a damaged .rev must be ignored");
                    assertEquals(1, warnings.size(), fixture + ", " + d.getKey() + ": " + warnings);
                    assertTrue(warnings.getFirst().contains(rev.getFileName().toString()), warnings.getFirst());
                    assertSame(ReverseIndex.sorted(p), used);
                    // ...and every object still reads, in pack order as by id
                    try (ObjectReader reader = db.newReader()) {
                        List<ObjectId> walked = new ArrayList<>();
                        reader.walkPackInfo(p, 0, p.objectCount(), e -> {
                            walked.add(e.id());
                            assertEquals(e.diskSize(), reader.info(e.id()).diskSize());
                        });
                        assertEquals(p.objectCount(), walked.size());
                    }
                }
            }
            Files.write(rev, orig);
        }
    }

    @Test
    void rankLookupsAgreeOnRandomOffsets() throws Exception {
        Path gitDir = Fixtures.extractFresh("history").resolve("history.git");
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            PackFile p = db.packs().getFirst();
            ReverseIndex rev = ReverseIndex.sorted(p);
            Random rnd = new Random(7);
            for (int k = 0; k < 20_000; k++) {
                int later = 1 + rnd.nextInt(rev.size() - 1);
                long off = 12 + (long) (rnd.nextDouble() * (rev.offsetAt(later) - 12));
                int want = java.util.stream.IntStream.range(0, rev.size()).filter(i -> rev.offsetAt(i) == off).findFirst().orElse(-1);
                assertEquals(want, rev.rankOf(off), "offset " + off);
                assertEquals(want, rev.rankBetween(off, 0, later), "offset " + off + " before rank " + later);
            }
            assertEquals(-1, rev.rankBetween(rev.offsetAt(0), 1, rev.size()));
            // The one search checks its range: a bad one is refused, not searched in part.
            long first = rev.offsetAt(0);
            assertThrows(IndexOutOfBoundsException.class, () -> rev.rankBetween(first, 5, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> rev.rankBetween(first, -1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> rev.rankBetween(first, 0, rev.size() + 1));
            long[] ring = {12, 40, 90};
            assertEquals(2, ReverseIndex.search(r -> ring[r], 90, 0, 3, 3));
            assertEquals(-1, ReverseIndex.search(r -> ring[r], 41, 0, 3, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> ReverseIndex.search(r -> ring[r], 90, 0, 4, 3));
        }
    }

    private static byte[] with(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }

    private static byte[] withInt(byte[] b, int at, int value) {
        byte[] c = b.clone();
        PackSurgery.putInt(c, at, value);
        return c;
    }

    private static byte[] swapped(byte[] b, int i, int j) {
        byte[] c = b.clone();
        for (int k = 0; k < 4; k++) {
            byte t = c[i + k];
            c[i + k] = c[j + k];
            c[j + k] = t;
        }
        return c;
    }
}
