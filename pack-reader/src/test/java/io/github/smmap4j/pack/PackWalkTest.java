package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pack-order walk and the parallel verifier against the object-by-object read path. */
class PackWalkTest {
    static List<String> fixtures() {
        return Fixtures.ALL;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void headerWalkMatchesHeaderLookups(String fixture) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture));
             ObjectDatabase oracle = ObjectDatabase.open(Fixtures.repo(fixture));
             ObjectReader r = db.newReader(); ObjectReader o = oracle.newReader()) {
            for (PackFile p : db.packs()) {
                int n = p.objectCount();
                // Whole, then in thirds: later ranges start with bases outside the range.
                for (int[][] ranges : new int[][][] {{{0, n}}, {{0, n / 3}, {n / 3, 2 * n / 3}, {2 * n / 3, n}}}) {
                    Set<ObjectId> seen = new HashSet<>();
                    long[] last = {-1};
                    for (int[] range : ranges) {
                        r.walkPackInfo(p, range[0], range[1], e -> {
                            ObjectLocation where = e.location();
                            ObjectInfo info = e.info();
                            ObjectId id = where.id();
                            ObjectHeader want = o.header(id);
                            assertEquals(want.type(), info.type(), id.name());
                            assertEquals(want.size(), info.size(), id.name());
                            assertEquals(o.info(id), info, id.name());
                            long off = p.index.offsetAt(p.index.findPosition(id));
                            assertEquals(off, where.offset(), id.name());
                            assertTrue(off > last[0], "pack order");
                            last[0] = off;
                            assertTrue(seen.add(id), "visited twice: " + id.name());
                        });
                    }
                    assertEquals(n, seen.size(), fixture);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void walkMatchesOpenAtEveryBudget(String fixture) throws IOException {
        // 0: nothing kept, every base rebuilt; small: constant eviction; default: everything kept.
        // deepchain's long chains make "nothing kept" quadratic: give it a small budget only.
        long[] budgets = fixture.equals("deepchain") ? new long[] {200_000, ObjectDatabase.DEFAULT_BASE_CACHE}
                : new long[] {0, 3000, ObjectDatabase.DEFAULT_BASE_CACHE};
        for (long budget : budgets) {
            try (ObjectDatabase db = ObjectDatabase.builder(Fixtures.repo(fixture)).deltaBaseCache(budget)
                    .streamThreshold(64 * 1024).build();
                 ObjectDatabase oracle = ObjectDatabase.open(Fixtures.repo(fixture));
                 ObjectReader r = db.newReader()) {
                for (PackFile p : db.packs()) {
                    Set<ObjectId> seen = new HashSet<>();
                    int n = p.objectCount();
                    // Two halves, as two threads would walk them: the second starts mid-pack.
                    for (int[] range : new int[][] {{0, n / 2}, {n / 2, n}}) {
                        r.walkPackOrder(p, range[0], range[1], (id, type, size, data, large) -> {
                            ObjectLoader want = oracle.open(id);
                            assertEquals(want.type(), type, id.name());
                            assertEquals(want.size(), size, id.name());
                            byte[] got;
                            if (large != null) {
                                try (InputStream in = large) {
                                    got = in.readAllBytes();
                                }
                            } else {
                                got = java.util.Arrays.copyOf(data, (int) size);
                            }
                            assertArrayEquals(want.bytes(), got, id.name());
                            assertTrue(seen.add(id), "visited twice: " + id.name());
                        });
                    }
                    assertEquals(n, seen.size(), fixture + " budget " + budget);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aVisitorThatThrowsEndsTheWalkAndTheReaderStaysUsable() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("deepchain"));
             ObjectReader r = db.newReader()) {
            PackFile p = db.packs().getFirst();
            AtomicInteger seen = new AtomicInteger();
            IOException e = assertThrows(IOException.class, () -> r.walkPackOrder(p, 0, p.objectCount(),
                    (id, type, size, data, large) -> {
                        if (seen.incrementAndGet() == 1000) {
                            throw new IOException("stop here");
                        }
                    }));
            assertEquals("stop here", e.getMessage());
            AtomicInteger again = new AtomicInteger();
            r.walkPackOrder(p, 0, p.objectCount(), (id, type, size, data, large) -> again.incrementAndGet());
            assertEquals(p.objectCount(), again.get());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void parallelVerifierAcceptsEveryFixture(String fixture) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture))) {
            for (PackFile p : db.packs()) {
                AtomicInteger count = new AtomicInteger();
                PackVerifier.Result res = PackVerifier.verify(db, p, 2, e -> count.incrementAndGet());
                assertEquals(p.objectCount(), res.objects());
                assertEquals(p.objectCount(), count.get());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void parallelVerifierFindsAFlippedByte() throws IOException {
        Path dir = Fixtures.extractFresh("history");
        try {
            Path pack;
            try (var s = Files.walk(dir)) {
                pack = s.filter(f -> f.toString().endsWith(".pack")).findFirst().orElseThrow();
            }
            long size = Files.size(pack);
            pack.toFile().setWritable(true);
            try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                ch.read(b, size / 2);
                b.flip();
                b.put(0, (byte) (b.get(0) ^ 0x40));
                ch.write(b, size / 2);
            }
            Path gitDir;
            try (var s = Files.list(dir)) {
                gitDir = s.findFirst().orElseThrow();
            }
            try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
                PackFile p = db.packs().getFirst();
                assertThrows(CorruptPackException.class, () -> PackVerifier.verify(db, p, 2, null));
            }
        } finally {
            Fixtures.deleteTree(dir);
        }
    }
}
