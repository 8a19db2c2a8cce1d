package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random mutations of a multi-pack-index (git's single file) and of a chain layer (written by
 * {@link MidxRepo#writeChain}): bit flips and random bytes biased to the header, the chunk
 * table and the chunk starts, truncations, splices, insertions, deletions, interesting
 * integers and chunk offsets. Nine times in ten the checksum is made valid again (and a layer
 * renamed after it) so the damage reaches the layout checks and the lookups. Every object must
 * then read right ({@link MidxOracle}): a damaged file is refused or caught at lookup, never
 * trusted into wrong bytes; only a crafted one (valid checksum) may hide objects, within a
 * time limit.
 *
 * <p>Quick run: {@value #QUICK} mutations per target, fixed seed. Long run:
 * {@code -Dsmmap4j.fuzz.iterations=20000 -Dsmmap4j.fuzz.seed=<n>}; a failure names
 * {@code -Dsmmap4j.fuzz.replay=<target>:<seed>:<iteration>} to replay one case.
 */
class MidxFuzzTest {
    static final int QUICK = 150;
    private static final long FIXED_SEED = 0x4d1dL;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"single", "chain"})
    void mutatedMultiPackIndexesNeverCostAnObject(String target) throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to make the repository");
        FuzzRuns runs = FuzzRuns.of(target, QUICK, FIXED_SEED);
        if (runs.none()) {
            return;
        }
        long seed = runs.seed();
        Path repo = MidxRepo.create(tmp, 5, target.equals("single"));
        Path packDir = repo.resolve("objects/pack");
        Path chainDir = packDir.resolve(MidxChain.CHAIN_DIR);
        Path file;
        String base = "";
        if (target.equals("single")) {
            file = packDir.resolve(MidxChain.SINGLE);
        } else {
            List<String> idx = MidxRepo.files(packDir, ".idx").stream().map(p -> p.getFileName().toString()).toList();
            List<Path> layers = MidxRepo.writeChain(packDir, List.of(idx.subList(0, 3), idx.subList(3, idx.size())));
            file = layers.get(1);
            base = Files.readString(chainDir.resolve(MidxChain.CHAIN_FILE)).split("\n")[0] + "\n";
        }
        byte[] pristine = Files.readAllBytes(file);
        MidxOracle oracle = new MidxOracle(repo);
        Map<String, Integer> stats = new TreeMap<>();
        for (int i = runs.from(); i < runs.to(); i++) {
            Random rnd = new Random(seed * 1_000_003L + i * 7919L + target.hashCode());
            byte[] b = pristine.clone();
            StringBuilder what = new StringBuilder();
            b = mutate(b, rnd, what);
            boolean fixed = rnd.nextInt(10) != 0;
            if (fixed) {
                b = MidxWriter.fixChecksum(ObjectFormat.SHA1, b);
            } else {
                what.append(", checksum left as it is");
            }
            if (target.equals("single")) {
                Files.write(file, b);
            } else {
                writeTopLayer(chainDir, base, file, b);
            }
            String replay = runs.replay(i) + " (" + what + ")";
            MidxOracle.Outcome o = FuzzRuns.withinLimits(() -> oracle.check(fixed, replay), replay);
            String outcome = !o.midxUsed() ? "refused" : o.missing() > 0 ? "used, " + "objects hidden" : "used";
            stats.merge(outcome + (o.warnings().isEmpty() ? "" : ", warned"), 1, Integer::sum);
        }
        System.out.println("midx fuzz " + target + " seed=" + seed + " iterations=" + runs.count() + " " + stats);
    }

    /**
     * Replaces the chain's top layer by {@code b}, named after its last 20 bytes (its checksum
     * when valid) as a chain names its layers; the base layer ({@code base}, its chain line) stays.
     */
    private static void writeTopLayer(Path chainDir, String base, Path original, byte[] b) throws IOException {
        Path keep = MidxChain.layerPath(chainDir, base.strip());
        try (var s = Files.list(chainDir)) {
            for (Path p : s.toList()) {
                if (!p.equals(keep) && !p.getFileName().toString().equals(MidxChain.CHAIN_FILE)) {
                    Files.delete(p);
                }
            }
        }
        StringBuilder chain = new StringBuilder(base);
        if (b.length >= 20) {
            MidxRepo.writeLayer(chainDir, b, chain);
        } else {
            Files.write(original, b);
            String name = original.getFileName().toString();
            chain.append(name, "multi-pack-index-".length(), name.length() - ".midx".length()).append('\n');
        }
        Files.writeString(chainDir.resolve(MidxChain.CHAIN_FILE), chain);
    }

    /** One mutation of {@code b}, described in {@code what}; returns the (maybe resized) bytes. */
    static byte[] mutate(byte[] b, Random rnd, StringBuilder what) {
        int at = position(b, rnd);
        switch (rnd.nextInt(9)) {
            case 0, 1 -> {
                int n = 1 + rnd.nextInt(4);
                for (int k = 0; k < n; k++) {
                    b[Math.min(b.length - 1, at + rnd.nextInt(4))] ^= (byte) (1 << rnd.nextInt(8));
                }
                what.append(n).append(" bit flips near ").append(at);
            }
            case 2 -> {
                int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) (rnd.nextInt(4) == 0 ? 0xff : rnd.nextInt(256));
                }
                what.append(n).append(" random bytes at ").append(at);
            }
            case 3 -> {
                int cut = rnd.nextInt(b.length);
                what.append("truncated to ").append(cut);
                return Arrays.copyOf(b, cut);
            }
            case 4 -> {
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                int src = rnd.nextInt(b.length - len + 1);
                System.arraycopy(b.clone(), src, b, at, len);
                what.append("splice ").append(src).append('+').append(len).append(" -> ").append(at);
            }
            case 5, 6 -> {
                boolean insert = rnd.nextBoolean();
                int len = 1 + rnd.nextInt(insert ? 32 : 64);
                byte[] ins = new byte[insert ? len : 0];
                rnd.nextBytes(ins);
                int cut = insert ? 0 : Math.min(len, b.length - at);
                byte[] nb = new byte[b.length - cut + ins.length];
                System.arraycopy(b, 0, nb, 0, at);
                System.arraycopy(ins, 0, nb, at, ins.length);
                System.arraycopy(b, at + cut, nb, at + ins.length, b.length - at - cut);
                what.append(insert ? "inserted " + len : "deleted " + cut).append(" at ").append(at);
                return nb;
            }
            case 7 -> {
                int[] vals = {0, 1, -1, 0x7fffffff, 0x80000000, 0x80000001, 12, b.length, b.length - 20, 255, 256};
                int v = vals[rnd.nextInt(vals.length)];
                int p = at & ~3;
                if (p + 4 <= b.length) {
                    ByteBuffer.wrap(b).putInt(p, v);
                }
                what.append("int ").append(v).append(" at ").append(p);
            }
            default -> { // a chunk table offset
                int rows = (b.length > 6 ? b[6] & 0xff : 0) + 1;
                int row = rnd.nextInt(rows);
                long[] vals = {0, 12, b.length, b.length - 20, b.length - 19, Long.MAX_VALUE, -1, 1L << 32};
                long v = vals[rnd.nextInt(vals.length)];
                int p = 16 + 12 * row;
                if (p + 8 <= b.length) {
                    ByteBuffer.wrap(b).putLong(p, v);
                }
                what.append("chunk offset ").append(v).append(" in row ").append(row);
            }
        }
        return b;
    }

    /** A position: a third of the time in the header or chunk table, else at or near a chunk start, else anywhere. */
    private static int position(byte[] b, Random rnd) {
        int choice = rnd.nextInt(3);
        int rows = b.length > 6 ? (b[6] & 0xff) + 1 : 0;
        if (choice == 0) {
            return rnd.nextInt(Math.min(b.length, 12 + 12 * rows));
        }
        if (choice == 1 && rows > 1 && 12 + 12 * rows <= b.length) {
            int row = rnd.nextInt(rows - 1);
            long start = ByteBuffer.wrap(b).getLong(16 + 12 * row);
            if (start >= 0 && start < b.length) {
                return (int) Math.min(b.length - 1, start + rnd.nextInt(16));
            }
        }
        return rnd.nextInt(b.length);
    }
}
