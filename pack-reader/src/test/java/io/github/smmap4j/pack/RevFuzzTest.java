package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of git's {@code .rev} file beside a pack: {@code .rev}-aware ones (a
 * position set to an interesting value, two positions swapped, the count or pack checksum
 * changed, the file cut or grown by whole entries) and the generic ones of
 * {@link MidxFuzzTest#mutate}. The oracle: the file is either ignored with a warning naming it,
 * or it gives exactly the order computed from the index (which the undamaged file gives): a
 * {@code .rev} is a cache and never changes an answer. Each case maps the mutated file through
 * a fresh manager against the pack opened once; every 64th case also opens a whole database
 * and compares its pack-order walk with the one without the {@code .rev}.
 *
 * <p>Quick run: {@value #QUICK} cases, fixed seed. Long run:
 * {@code -Dsmmap4j.fuzz.iterations=100000 -Dsmmap4j.fuzz.seed=<n>}; a failure names
 * {@code -Dsmmap4j.fuzz.replay=<seed>:<iteration>} to replay one case.
 */
class RevFuzzTest {
    static final int QUICK = 300;
    private static final long FIXED_SEED = 0x7e5L;

    @TempDir
    Path tmp;

    @Test
    void mutatedRevFilesNeverChangeTheOrder() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to make the repository");
        TestRepo r = TestRepo.init(tmp, "r");
        for (int i = 0; i < 60; i++) {
            r.write("f" + (i % 25), ("content " + i + "\n").repeat(i + 1));
            if (i % 12 == 11) {
                r.git("add", ".");
                r.git("commit", "-q", "-m", "c" + i);
            }
        }
        r.git("-c", "pack.writeReverseIndex=true", "repack", "-adq");
        Path packDir = r.gitDir.resolve("objects/pack");
        Path revFile;
        Path idxFile;
        try (Stream<Path> s = Files.list(packDir)) {
            List<Path> all = s.toList();
            revFile = all.stream().filter(p -> p.toString().endsWith(".rev")).findFirst().orElse(null);
            idxFile = all.stream().filter(p -> p.toString().endsWith(".idx")).findFirst().orElseThrow();
        }
        assumeTrue(revFile != null, "this git writes no .rev (before 2.31)");
        byte[] pristine = Files.readAllBytes(revFile);
        Path packFile = idxFile.resolveSibling(idxFile.getFileName().toString().replace(".idx", ".pack"));
        FuzzRuns runs = FuzzRuns.of(QUICK, FIXED_SEED);
        long seed = runs.seed();
        try (MapManager packManager = SlidingWindowMapManager.builder().build()) {
            PackFile pack = PackFile.open(0, packManager, idxFile, packFile, ObjectFormat.SHA1);
            int n = pack.objectCount();
            int[] want = new int[n];
            try (ReverseIndex computed = ReverseIndex.sorted(pack)) {
                computed.positions(0, want, n);
            }
            List<String> order = walk(r.dir);
            Map<String, Integer> stats = new TreeMap<>();
            long t0 = System.nanoTime();
            for (int i = runs.from(); i < runs.to(); i++) {
                Random rnd = new Random(seed * 1_000_003L + i * 7919L);
                StringBuilder what = new StringBuilder();
                byte[] b = mutate(pristine.clone(), n, rnd, what);
                Files.write(revFile, b);
                String replay = runs.replay(i) + " (" + what + ")";
                boolean whole = i % 64 == 0;
                String outcome = FuzzRuns.withinLimits(
                        () -> check(pack, revFile, want, whole ? order : null, r.dir, replay), replay);
                stats.merge(outcome, 1, Integer::sum);
            }
            System.out.println("rev fuzz seed=" + seed + " iterations=" + runs.count() + " " + stats + " in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            pack.close();
        }
    }

    /** One case: the mutated file is refused with a warning naming it, or gives {@code want}. */
    private static String check(PackFile pack, Path revFile, int[] want, List<String> order, Path repo, String what)
            throws Exception {
        List<String> warnings = new ArrayList<>();
        String outcome;
        try (MapManager m = SlidingWindowMapManager.builder().build();
             ReverseIndex rev = ReverseIndex.fromRevFile(pack, m, warnings::add)) {
            if (rev == null) {
                assertEquals(1, warnings.size(), what + ": ignored without one warning");
                assertTrue(warnings.getFirst().contains(revFile.toString()), what + ": warning does not name the file: "
                        + warnings.getFirst());
                outcome = "ignored";
            } else {
                assertTrue(warnings.isEmpty(), what + ": used, yet warned " + warnings);
                int[] got = new int[want.length];
                rev.positions(0, got, got.length);
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], got[k], what + ": rank " + k);
                    assertEquals(want[k], rev.positionAt(k), what + ": rank " + k);
                }
                outcome = "used";
            }
        }
        if (order != null) {
            assertEquals(order, walk(repo), what + ": pack-order walk of the database");
        }
        return outcome;
    }

    /** The database's pack-order walk: id and offset of every entry. */
    private static List<String> walk(Path repo) throws Exception {
        List<String> out = new ArrayList<>();
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            db.forEachInPackOrder(l -> out.add(l.id().name() + " " + l.offset()));
        }
        return out;
    }

    /** One mutation of a {@code .rev} of {@code n} entries, described in {@code what}. */
    static byte[] mutate(byte[] b, int n, Random rnd, StringBuilder what) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        int entry = ReverseIndex.HEADER + 4 * rnd.nextInt(n);
        switch (rnd.nextInt(8)) {
            case 0 -> {
                int[] vals = {0, 1, n - 1, n, n + 1, -1, 0x7fffffff, 0x80000000, bb.getInt(entry) + 1, bb.getInt(entry) - 1};
                int v = vals[rnd.nextInt(vals.length)];
                bb.putInt(entry, v);
                what.append("position ").append(v).append(" at ").append(entry);
            }
            case 1 -> {
                int other = ReverseIndex.HEADER + 4 * rnd.nextInt(n);
                int v = bb.getInt(entry);
                bb.putInt(entry, bb.getInt(other));
                bb.putInt(other, v);
                what.append("positions at ").append(entry).append(" and ").append(other).append(" swapped");
            }
            case 2 -> {
                int at = ReverseIndex.HEADER + 4 * n + rnd.nextInt(20);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
                what.append("pack checksum bit flipped at ").append(at);
            }
            case 3 -> {
                int k = 1 + rnd.nextInt(3);
                boolean grow = rnd.nextBoolean();
                byte[] nb = new byte[b.length + (grow ? 4 * k : -4 * Math.min(k, n))];
                int keep = ReverseIndex.HEADER + 4 * n;
                int cut = Math.min(keep, nb.length - 40);
                System.arraycopy(b, 0, nb, 0, cut);
                System.arraycopy(b, keep, nb, nb.length - 40, 40);
                what.append(grow ? "grown" : "shrunk").append(" by ").append(k).append(" entries");
                return nb;
            }
            default -> {
                return MidxFuzzTest.mutate(b, rnd, what);
            }
        }
        return b;
    }
}
