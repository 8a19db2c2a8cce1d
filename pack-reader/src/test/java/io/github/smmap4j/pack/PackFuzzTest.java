package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
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
 * Random mutations of fixture packs and indexes ({@link PackMutations}: bit flips, byte
 * overwrites, truncations, splices, insertions, deletions). After each mutation the trailers are
 * usually made valid again so the reader gets past the open checks. Every object must then read
 * identically to the undamaged copy or be rejected with a CorruptPackException/
 * MissingObjectException, within a time limit.
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

    private static final long FIXED_SEED = 0x5303L;

    @ParameterizedTest
    @ValueSource(strings = {"history", "refdelta", "idxv1", "idx64", "sha256", "bigblob"})
    void mutatedPacksAndIndexesReadIdenticallyOrFailCleanly(String fixture) throws Exception {
        FuzzRuns runs = FuzzRuns.of(fixture, QUICK, FIXED_SEED);
        if (runs.none()) {
            return;
        }
        long seed = runs.seed();
        PackSurgery s = PackSurgery.of(fixture);
        Map<String, Integer> stats = new java.util.TreeMap<>();
        for (int i = runs.from(); i < runs.to(); i++) {
            Random rnd = new Random(seed * 1_000_003L + i * 7919L + fixture.hashCode());
            s.reset();
            String what = PackMutations.mutate(s, rnd);
            s.write();
            String replay = runs.replay(i) + " (" + what + ")";
            stats.merge(check(s, replay), 1, Integer::sum);
        }
        System.out.println("fuzz " + fixture + " seed=" + seed + " iterations=" + runs.count() + " " + stats);
    }

    /**
     * Reads every object of the damaged copy as it is on disk and fails (AssertionError naming
     * {@code replay}) on a hang, an exception other than CorruptPackException or
     * MissingObjectException, or a wrong result that the CRC rule does not explain.
     *
     * @return the outcome's category, for statistics
     */
    static String check(PackSurgery s, String replay) throws IOException {
        DamageOracle.Result r = FuzzRuns.withinLimits(() -> DamageOracle.readAll(s), replay);
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
