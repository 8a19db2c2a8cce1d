package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random mutations (bit flips, byte overwrites, truncations, splices, insertions, deletions) of
 * fixture packs and indexes. After each mutation the trailers are usually made valid again so
 * the reader gets past the open checks. Every object must then read identically to the undamaged
 * copy or be rejected with a CorruptPackException/MissingObjectException, within a time limit.
 *
 * <p>The one accepted difference: bytes that differ without an exception when an entry on the
 * object's (damaged) chain no longer matches the CRC32 its idx records (for idx v1: the CRC of
 * the undamaged entry). Such damage inside a zlib stream or an entry header (e.g. a type code
 * 1 -> 3) is only detectable by CRC or id checks, which normal reads do not do (as in git and
 * JGit); {@code PackVerifier}/verify-pack does.
 *
 * <p>Quick run: {@value #QUICK} mutations per fixture, fixed seed. Long run:
 * {@code -Dsmmap4j.fuzz.iterations=20000 -Dsmmap4j.fuzz.seed=<n>} (seed defaults to the clock).
 * A failure prints {@code -Dsmmap4j.fuzz.replay=<fixture>:<seed>:<iteration>} to replay one case.
 */
class PackFuzzTest {
    static final int QUICK = 150;
    private static final Duration PER_CASE = Duration.ofSeconds(30);

    private static final long SEED = Long.getLong("smmap4j.fuzz.seed",
            System.getProperty("smmap4j.fuzz.iterations") != null ? System.nanoTime() : 0x5303L);
    private static final int ITERATIONS = Integer.getInteger("smmap4j.fuzz.iterations", QUICK);
    private static final String REPLAY = System.getProperty("smmap4j.fuzz.replay");

    @ParameterizedTest
    @ValueSource(strings = {"history", "refdelta", "idxv1", "idx64", "sha256", "bigblob"})
    void mutatedPacksAndIndexesReadIdenticallyOrFailCleanly(String fixture) throws Exception {
        long seed = SEED;
        int from = 0;
        int to = ITERATIONS;
        if (REPLAY != null) {
            String[] f = REPLAY.split(":");
            if (!f[0].equals(fixture)) {
                return;
            }
            seed = Long.parseLong(f[1]);
            from = Integer.parseInt(f[2]);
            to = from + 1;
        }
        PackSurgery s = PackSurgery.of(fixture);
        Map<String, Integer> stats = new java.util.TreeMap<>();
        for (int i = from; i < to; i++) {
            Random rnd = new Random(seed * 1_000_003L + i * 7919L + fixture.hashCode());
            s.reset();
            String what = mutate(s, rnd);
            s.write();
            String replay = "-Dsmmap4j.fuzz.replay=" + fixture + ":" + seed + ":" + i + " (" + what + ")";
            stats.merge(check(s, replay), 1, Integer::sum);
        }
        System.out.println("fuzz " + fixture + " seed=" + seed + " iterations=" + (to - from) + " " + stats);
    }

    /**
     * Reads every object of the damaged copy as it is on disk and fails (AssertionError naming
     * {@code replay}) on a hang, an exception other than CorruptPackException or
     * MissingObjectException, or a wrong result that the CRC rule does not explain.
     *
     * @return the outcome's category, for statistics
     */
    static String check(PackSurgery s, String replay) throws IOException {
        DamageOracle.Result r;
        try {
            r = assertTimeoutPreemptively(PER_CASE, () -> DamageOracle.readAll(s), "hang: " + replay);
        } catch (OutOfMemoryError e) {
            throw new AssertionError("OutOfMemoryError: " + replay, e);
        }
        if (r.openFailure != null && !DamageOracle.acceptable(r.openFailure)) {
            throw new AssertionError("open failed with " + r.openFailure + ": " + replay, r.openFailure);
        }
        if (!r.bugs.isEmpty()) {
            Throwable t = r.bugs.values().iterator().next();
            throw new AssertionError("unclean failure " + t + ": " + replay + "\n" + r, t);
        }
        if (!r.wrong.isEmpty()) {
            Set<ObjectId> unexplained = unexplainedWrong(s, r.wrong.keySet());
            if (!unexplained.isEmpty()) {
                fail("silent wrong answer for " + unexplained.size() + " objects, e.g. " + unexplained.iterator().next()
                        + ": " + replay + "\n" + r.toString().lines().limit(8).toList());
            }
            if (Boolean.getBoolean("smmap4j.fuzz.verbose")) {
                System.out.println("accepted by the CRC rule: " + replay + " " + r.wrong.entrySet().iterator().next());
            }
            return "wrong-but-crc-mismatch";
        }
        return r.openFailure != null ? "refused-at-open" : r.rejected.isEmpty() ? "all-identical" : "partly-rejected";
    }

    // ---- mutations ----------------------------------------------------------------------------

    /** Where mutation decisions come from: a seeded Random here, the fuzzer's data under Jazzer. */
    interface Choices {
        int nextInt(int bound);

        default boolean nextBoolean() {
            return nextInt(2) == 1;
        }

        default void nextBytes(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) nextInt(256);
            }
        }

        static Choices of(Random r) {
            return r::nextInt;
        }
    }

    static String mutate(PackSurgery s, Random rnd) {
        return mutate(s, Choices.of(rnd));
    }

    static String mutate(PackSurgery s, Choices rnd) {
        return mutate(s, rnd, true);
    }

    /**
     * Applies one mutation. Only one per case may hit the idx: two structural edits (an insertion
     * in the CRC table and a deletion in the offset table) can shift both tables consistently,
     * a wrong answer that only hashing every object could catch (see docs/ROBUSTNESS.md).
     */
    static String mutate(PackSurgery s, Choices rnd, boolean idxAllowed) {
        boolean onPack = !idxAllowed || rnd.nextInt(10) < 7;
        byte[] b = onPack ? s.pack : s.idx;
        String file = onPack ? "pack" : "idx";
        if (b.length < 2) {
            return file + " too short to mutate";
        }
        int h = s.format.length();
        int op = rnd.nextInt(8);
        String what;
        switch (op) {
            case 0, 1 -> { // bit flips, biased to entry headers for packs
                int n = 1 + rnd.nextInt(4);
                int at = position(s, b, onPack, rnd);
                for (int k = 0; k < n; k++) {
                    int p = Math.min(b.length - 1, at + rnd.nextInt(4));
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                what = file + " bit flips near " + at;
            }
            case 2 -> { // random bytes
                int at = position(s, b, onPack, rnd);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) (rnd.nextInt(4) == 0 ? 0xff : rnd.nextInt(256));
                }
                what = file + " " + n + " random bytes at " + at;
            }
            case 3 -> { // truncation
                int cut = rnd.nextInt(b.length);
                if (onPack) {
                    s.pack = Arrays.copyOf(b, Math.max(0, cut - h) + h);
                } else {
                    s.idx = Arrays.copyOf(b, cut);
                }
                what = file + " truncated to " + cut;
            }
            case 4 -> { // splice: copy a range over another (same length)
                int len = 1 + rnd.nextInt(Math.min(256, b.length));
                int src = rnd.nextInt(b.length - len + 1);
                int dst = position(s, b, onPack, rnd);
                len = Math.min(len, b.length - dst);
                System.arraycopy(b.clone(), src, b, dst, len);
                what = file + " splice " + src + "+" + len + " -> " + dst;
            }
            case 5 -> { // insert bytes (shifts everything after)
                int at = position(s, b, onPack, rnd);
                byte[] ins = new byte[1 + rnd.nextInt(32)];
                rnd.nextBytes(ins);
                byte[] nb = new byte[b.length + ins.length];
                System.arraycopy(b, 0, nb, 0, at);
                System.arraycopy(ins, 0, nb, at, ins.length);
                System.arraycopy(b, at, nb, at + ins.length, b.length - at);
                set(s, onPack, nb);
                what = file + " inserted " + ins.length + " at " + at;
            }
            case 6 -> { // delete a range
                int at = position(s, b, onPack, rnd);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                byte[] nb = new byte[b.length - len];
                System.arraycopy(b, 0, nb, 0, at);
                System.arraycopy(b, at + len, nb, at, b.length - at - len);
                set(s, onPack, nb);
                what = file + " deleted " + len + " at " + at;
            }
            default -> { // interesting integers at a 4-byte boundary (idx tables) or anywhere
                int at = position(s, b, onPack, rnd);
                if (!onPack) {
                    at &= ~3;
                }
                int[] vals = {0, 1, -1, 0x7fffffff, 0x80000000, 0x80000001, 12, b.length, b.length - h};
                int v = vals[rnd.nextInt(vals.length)];
                if (at + 4 <= b.length) {
                    PackSurgery.putInt(b, at, v);
                }
                what = file + " int " + v + " at " + at;
            }
        }
        if (rnd.nextInt(10) != 0) {
            s.fixTrailers(); // usually: let the damage reach the deep checks
        } else {
            what += ", trailers left as they are";
        }
        return what;
    }

    private static void set(PackSurgery s, boolean onPack, byte[] nb) {
        if (onPack) {
            s.pack = nb;
        } else {
            s.idx = nb;
        }
    }

    /** A position in the file; for packs, half the time in or just after an entry header. */
    private static int position(PackSurgery s, byte[] b, boolean onPack, Choices rnd) {
        if (onPack && rnd.nextBoolean()) {
            PackSurgery.Entry e = s.entries.get(rnd.nextInt(s.entries.size()));
            return (int) Math.min(b.length - 1, e.offset() + rnd.nextInt(e.headerLength() + 4));
        }
        if (!onPack && rnd.nextBoolean()) {
            // the tables after the fan-out: ids, CRCs, offsets, 64-bit offsets
            int start = s.idxV2() ? 8 + 1024 : 1024;
            return start + rnd.nextInt(Math.max(1, b.length - start));
        }
        return rnd.nextInt(b.length);
    }

    // ---- the CRC rule -------------------------------------------------------------------------

    /**
     * Returns the ids among {@code wrong} whose damaged chain has no entry that fails its CRC:
     * those differences would be undetectable even by a reader that checked CRCs, i.e. bugs.
     */
    private static Set<ObjectId> unexplainedWrong(PackSurgery s, Set<ObjectId> wrong) throws IOException {
        Set<ObjectId> out = new HashSet<>();
        try (ObjectDatabase db = ObjectDatabase.open(s.gitDir); ObjectReader r = db.newReader()) {
            PackFile p = db.packs().getFirst();
            PackIndex idx = p.index();
            int n = idx.objectCount();
            long[] offs = new long[n];
            Map<Long, Integer> posOf = new HashMap<>();
            List<Long> valid = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                try {
                    offs[i] = idx.offsetAt(i);
                } catch (CorruptPackException e) {
                    offs[i] = -1;
                }
                if (offs[i] >= 12 && offs[i] < p.dataEnd) {
                    posOf.putIfAbsent(offs[i], i);
                    valid.add(offs[i]);
                }
            }
            long[] sorted = valid.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
            for (ObjectId id : wrong) {
                if (!crcExplains(s, p, r, idx, offs, posOf, sorted, idx.findPosition(id))) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    private static boolean crcExplains(PackSurgery s, PackFile p, ObjectReader r, PackIndex idx, long[] offs,
                                       Map<Long, Integer> posOf, long[] sorted, int pos) {
        for (int hop = 0; hop <= offs.length && pos >= 0; hop++) {
            long off = offs[pos];
            if (off < 12 || off >= p.dataEnd) {
                return true;
            }
            int k = Arrays.binarySearch(sorted, off);
            long end = k + 1 < sorted.length ? sorted[k + 1] : p.dataEnd;
            CRC32 crc = new CRC32();
            crc.update(s.pack, (int) off, (int) (end - off));
            int want = idx.hasCrc() ? idx.crcAt(pos) : s.origCrc.getOrDefault(idx.idAt(pos), 0);
            if ((int) crc.getValue() != want) {
                return true;
            }
            PackEntry e;
            try {
                e = r.entryAt(p, off);
            } catch (IOException ex) {
                return true;
            }
            if (e.typeCode() == ObjectType.OFS_DELTA) {
                pos = posOf.getOrDefault(e.baseOffset(), -1);
                if (pos < 0) {
                    return true; // base is not an entry start: the delta's bytes must have changed
                }
            } else if (e.typeCode() == ObjectType.REF_DELTA) {
                pos = idx.findPosition(e.baseId());
            } else {
                return false;
            }
        }
        return false;
    }
}
