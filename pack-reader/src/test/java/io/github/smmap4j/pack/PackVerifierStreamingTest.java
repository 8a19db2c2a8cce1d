package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifier's streaming path (objects above its in-memory limit, and everything built on them,
 * hashed while they stream) against its in-memory path: with the limit at 0 or a few bytes every
 * object of every fixture takes the streaming path, and the listing, the histogram and the
 * problem found in a damaged pack must be the same.
 */
class PackVerifierStreamingTest {
    /** Every fixture but deepchain, whose chains are deeper than streams nest (see below). */
    static List<String> fixtures() {
        return Fixtures.ALL.stream().filter(n -> !n.equals("deepchain")).toList();
    }

    private static List<PackVerifier.Entry> verify(PackFile p, long inMemory, int threads, long[][] hist) throws IOException {
        List<PackVerifier.Entry> out = new ArrayList<>();
        PackVerifier.Result r = new PackVerifier(p, Limits.MAX_ARRAY, inMemory, threads, true, null,
                PackVerifier.CollisionDetection.ON).run(out::add);
        hist[0] = r.chainLengths();
        assertEquals(r.objects(), out.size());
        return out;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void streamedEqualsInMemoryOnEveryFixture(String name) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(name))) {
            for (PackFile p : db.packs()) {
                long[][] whole = new long[1][];
                List<PackVerifier.Entry> expected = verify(p, PackVerifier.IN_MEMORY, 2, whole);
                for (long limit : new long[] {0, 100}) {
                    long[][] streamed = new long[1][];
                    assertEquals(expected, verify(p, limit, 2, streamed), name + " with limit " + limit);
                    assertArrayEquals(whole[0], streamed[0]);
                }
            }
        }
    }

    /**
     * Chains of more than 1000 large objects are refused cleanly, not streamed (deepchain's go to
     * 4000; git never deltas objects above its core.bigFileThreshold, 512 MiB, at all).
     */
    @org.junit.jupiter.api.Test
    void chainsOfLargeObjectsDeeperThanStreamsNestAreRefused() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("deepchain"))) {
            CorruptPackException e = assertThrows(CorruptPackException.class,
                    () -> verify(db.packs().getFirst(), 0, 2, new long[1][]));
            assertTrue(e.getMessage().endsWith("delta chain of large objects is too deep to stream"), e.getMessage());
        }
    }

    /** Damages the content of one entry (its CRC32 made to match), so only the id check can find it. */
    @ParameterizedTest
    @ValueSource(strings = {"whole base", "delta base", "leaf delta", "leaf"})
    void damagedContentIsFoundTheSameWayWhenStreamed(String which) throws IOException {
        PackSurgery s = PackSurgery.of("history");
        List<PackSurgery.Entry> withChildren = new ArrayList<>();
        for (PackSurgery.Entry e : s.entries) {
            if (e.isDelta()) {
                withChildren.add(e.typeCode() == ObjectType.OFS_DELTA ? s.byOffset.get(e.baseOffset()) : s.byId.get(e.baseId()));
            }
        }
        PackSurgery.Entry target = s.first(e -> switch (which) {
            case "whole base" -> !e.isDelta() && withChildren.contains(e);
            case "delta base" -> e.isDelta() && withChildren.contains(e);
            case "leaf delta" -> e.isDelta() && !withChildren.contains(e);
            default -> !e.isDelta() && !withChildren.contains(e);
        });
        int h = s.format.length();
        if (target.isDelta()) {
            byte[] data = s.inflated(target);
            data[data.length - 1] ^= 0x20; // most often literal data: a wrong result, or a malformed delta
            assertTrue(s.replaceData(target, data), "the damaged data fits in the entry");
            CRC32 crc = new CRC32();
            crc.update(s.pack, (int) target.offset(), (int) target.length());
            PackSurgery.putInt(s.idx, 8 + 1024 + s.count() * h + 4 * target.pos(), (int) crc.getValue());
        } else {
            s.idx[8 + 1024 + target.pos() * h + h - 1] ^= 1; // the index names another id (still sorted)
        }
        s.fixTrailers();
        s.write();
        try (ObjectDatabase db = ObjectDatabase.open(s.gitDir)) {
            PackFile p = db.packs().getFirst();
            long[][] hist = new long[1][];
            CorruptPackException inMemory = assertThrows(CorruptPackException.class,
                    () -> verify(p, PackVerifier.IN_MEMORY, 1, hist));
            CorruptPackException streamed = assertThrows(CorruptPackException.class, () -> verify(p, 0, 1, hist));
            assertEquals(inMemory.getMessage(), streamed.getMessage());
            assertTrue(target.isDelta() || inMemory.getMessage().contains("hashes to " + target.id().name()),
                    inMemory.getMessage());
        }
    }
}
