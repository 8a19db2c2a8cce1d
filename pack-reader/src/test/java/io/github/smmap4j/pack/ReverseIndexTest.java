package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** git's {@code .rev} files: used when valid, ignored (and the order sorted) when not. */
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

    private static void assertSame(ReverseIndex want, ReverseIndex got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.offsetAt(i), got.offsetAt(i), "offset of rank " + i);
            assertEquals(want.positionAt(i), got.positionAt(i), "position of rank " + i);
        }
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
                ReverseIndex fromGit = ReverseIndex.fromRevFile(p);
                assertNotNull(fromGit, hash + ": git's .rev is used");
                assertSame(ReverseIndex.sorted(p), fromGit);
            }
        }
    }

    @Test
    void gitsRevFilesAreReadAndDamagedOnesIgnored() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write .rev files");
        for (String fixture : List.of("history", "multipack", "sha256")) {
            Path gitDir = Fixtures.extractFresh(fixture).resolve(fixture + ".git");
            String hash = fixture.equals("sha256") ? "sha256" : "sha1";
            List<Path> revs = writeRevFiles(gitDir, hash);
            try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
                int checked = 0;
                for (PackFile p : db.packs()) {
                    if (!revs.contains(p.packPath.resolveSibling(p.packPath.getFileName().toString().replace(".pack", ".rev")))) {
                        continue; // an alternate's pack: no .rev written there
                    }
                    checked++;
                    ReverseIndex fromGit = ReverseIndex.fromRevFile(p);
                    assertNotNull(fromGit, fixture + ": a valid .rev is used");
                    ReverseIndex sorted = ReverseIndex.sorted(p);
                    assertSame(sorted, fromGit);
                }
                assertEquals(revs.size(), checked, fixture + ": every .rev written was checked");
            }
            // Damage: two positions swapped (still a permutation), a bad trailer, a short file.
            byte[] orig = Files.readAllBytes(revs.getFirst());
            byte[] swapped = orig.clone();
            for (int k = 0; k < 4; k++) {
                byte t = swapped[12 + k];
                swapped[12 + k] = swapped[16 + k];
                swapped[16 + k] = t;
            }
            byte[] badTrailer = orig.clone();
            badTrailer[orig.length - (hash.equals("sha1") ? 40 : 64)] ^= 1;
            byte[] shortFile = java.util.Arrays.copyOf(orig, orig.length - 1);
            for (byte[] bad : List.of(swapped, badTrailer, shortFile)) {
                Files.write(revs.getFirst(), bad);
                try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
                    PackFile p = db.packs().stream()
                            .filter(q -> q.packPath.getFileName().toString().replace(".pack", ".rev")
                                    .equals(revs.getFirst().getFileName().toString()))
                            .findFirst().orElseThrow();
                    assertNull(ReverseIndex.fromRevFile(p), fixture + ": damaged .rev must be ignored");
                    // ...and reads in pack order still see every object once, in offset order.
                    ReverseIndex r = p.reverseIndex();
                    for (int i = 1; i < r.size(); i++) {
                        assertEquals(true, r.offsetAt(i) > r.offsetAt(i - 1));
                    }
                    assertEquals(p.objectCount(), r.size());
                }
            }
            Files.write(revs.getFirst(), orig);
        }
    }
}
