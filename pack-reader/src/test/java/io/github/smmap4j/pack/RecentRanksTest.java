package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pass's ring of offsets agrees with the reverse index on every rank, across its wrap-around. */
class RecentRanksTest {
    /** A pack of {@code n} small blobs (more than the ring holds), written by git fast-import. */
    private static TestRepo manyObjects(Path tmp, int n) {
        TestRepo r = TestRepo.init(tmp, "r");
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] data = ("blob number " + i + "\n").repeat(1 + i % 7).getBytes(StandardCharsets.US_ASCII);
            in.writeBytes(("blob\ndata " + data.length + "\n").getBytes(StandardCharsets.US_ASCII));
            in.writeBytes(data);
            in.writeBytes(TestRepo.bytes("\n"));
        }
        r.git(in.toByteArray(), "fast-import", "--quiet");
        return r;
    }

    @Test
    void agreesWithTheReverseIndexOnEveryRank(@TempDir Path tmp) throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        int n = RecentRanks.BEHIND * 2 + 1000;
        TestRepo r = manyObjects(tmp, n);
        try (ObjectDatabase db = ObjectDatabase.open(r.gitDir)) {
            PackFile p = db.packs().getFirst();
            ReverseIndex rev = p.reverseIndex();
            assertEquals(n, rev.size());
            Random rnd = new Random(11);
            for (int[] range : new int[][] {{0, n}, {1, n - 1}, {n / 2, n / 2 + 3}, {n - 1, n}, {5, 5}}) {
                RecentRanks ring = new RecentRanks(p, rev, range[0], range[1]);
                for (int k = range[0]; k < range[1]; k++) {
                    assertEquals(rev.offsetAt(k), ring.offsetAt(k), "offset of rank " + k);
                    assertEquals(rev.positionAt(k), ring.positionAt(k), "position of rank " + k);
                    assertEquals(rev.packedLength(k), ring.packedLength(k), "packed length of rank " + k);
                    if (k > 0) {
                        int back = rnd.nextInt(Math.min(k, 3 * RecentRanks.BEHIND));
                        int base = k - 1 - back; // sometimes beyond what the ring remembers
                        assertEquals(base, ring.rankOf(rev.offsetAt(base)), "rank of an entry " + (back + 1) + " back");
                        assertEquals(-1, ring.rankOf(rev.offsetAt(base) + 1), "an offset inside an entry");
                    }
                }
            }
            assertTrue(p.reverseIndex().size() > RecentRanks.BEHIND + RecentRanks.AHEAD, "the ring wrapped");
        }
    }
}
