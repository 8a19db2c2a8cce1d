package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-made damage modelled on git's t5303-pack-corruption-resilience: every damaged object must
 * be rejected with a {@link CorruptPackException} naming the file and offset (or a
 * {@link MissingObjectException}), in bounded time and memory, and every object whose delta
 * chain does not touch the damage must still read correctly.
 */
class CorruptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    // ---- helpers ------------------------------------------------------------------------------

    /** Writes the damage, reads everything, checks rejected == affected and the rest intact. */
    private static DamageOracle.Result expectDamage(PackSurgery s, Set<ObjectId> affected) throws IOException {
        return expectDamage(s, affected, true);
    }

    private static DamageOracle.Result expectDamage(PackSurgery s, Set<ObjectId> affected, boolean withInfo)
            throws IOException {
        s.write();
        DamageOracle.Result r = assertTimeoutPreemptively(LIMIT, () -> DamageOracle.readAll(s,
                s.entries.stream().map(PackSurgery.Entry::id).toList(), withInfo));
        assertNull(r.openFailure, () -> "open failed: " + r);
        assertTrue(r.clean(), r::toString);
        Set<ObjectId> rejected = r.rejected.keySet();
        assertTrue(rejected.containsAll(affected), () -> "damaged objects not rejected: " + r);
        Set<ObjectId> extra = new HashSet<>(rejected);
        extra.removeAll(affected);
        assertTrue(extra.isEmpty(), () -> "intact objects rejected: " + extra + "\n" + r);
        for (Throwable t : r.rejected.values()) {
            if (t instanceof CorruptPackException c) {
                String f = c.file().getFileName().toString();
                assertTrue(f.equals(s.packPath.getFileName().toString()) || f.equals(s.idxPath.getFileName().toString()),
                        () -> "exception names " + c.file() + ": " + c.getMessage());
                assertTrue(c.offset() >= 0 || f.endsWith(".idx"), () -> "no offset: " + c.getMessage());
            }
        }
        return r;
    }

    /** Writes the damage and expects the database (or its pack) to be refused at open. */
    private static CorruptPackException expectOpenFailure(PackSurgery s, Path file) throws IOException {
        s.write();
        DamageOracle.Result r = assertTimeoutPreemptively(LIMIT, () -> DamageOracle.readAll(s));
        CorruptPackException c = assertInstanceOf(CorruptPackException.class, r.openFailure, r::toString);
        assertEquals(file.getFileName(), c.file().getFileName(), c.getMessage());
        assertTrue(c.offset() >= 0, c.getMessage());
        return c;
    }

    /** Bytes allocated by this thread so far (reflective: the test module does not read java.management). */
    static long allocatedBytes() {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(mx);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return out.toByteArray();
    }

    /** OFS_DELTA base offset encoding (git's "offset encoding", with the +1 per continuation). */
    private static byte[] ofsVarint(long rel) {
        byte[] buf = new byte[16];
        int pos = buf.length - 1;
        buf[pos] = (byte) (rel & 0x7f);
        while ((rel >>>= 7) != 0) {
            buf[--pos] = (byte) (0x80 | (--rel & 0x7f));
        }
        return java.util.Arrays.copyOfRange(buf, pos, buf.length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static PackSurgery.Entry wholeBlobWithDependents(PackSurgery s) {
        return s.entries.stream().filter(e -> e.typeCode() == 3 && s.dependents(e).size() > 1)
                .findFirst().orElseThrow();
    }

    private static PackSurgery.Entry deltaWithBaseAndDependents(PackSurgery s, int type) {
        return s.entries.stream().filter(e -> e.typeCode() == type && e.size() > 40).findFirst().orElseThrow();
    }

    // ---- entry headers ------------------------------------------------------------------------

    @Test
    void zeroedObjectHeader() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = wholeBlobWithDependents(s);
        s.overwrite(e.offset(), new byte[e.headerLength()]);
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void invalidTypeCode() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == 1);
        s.pack[(int) e.offset()] = (byte) ((s.pack[(int) e.offset()] & 0x8f) | (5 << 4)); // type 5 is reserved
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void shrunkDeclaredSize() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == 3 && x.size() > 1000);
        s.setDeclaredSize(e, e.size() - 1);
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void inflatedDeclaredSize() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == 2 && x.size() > 100);
        s.setDeclaredSize(e, e.size() + 1);
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void shrunkAndInflatedDeltaSizes() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry a = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        PackSurgery.Entry b = s.entries.stream().filter(x -> x.typeCode() == ObjectType.OFS_DELTA && x.size() > 40
                && !s.chain(x.id()).contains(a) && !s.chain(a.id()).contains(x)).findFirst().orElseThrow();
        s.setDeclaredSize(a, a.size() - 1);
        s.setDeclaredSize(b, b.size() + 1);
        s.fixTrailers();
        Set<ObjectId> affected = new HashSet<>(s.dependents(a));
        affected.addAll(s.dependents(b));
        expectDamage(s, affected);
    }

    @Test
    void entrySizeVarintOverflows() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == 3 && x.length() > 16);
        byte[] h = new byte[11];
        java.util.Arrays.fill(h, (byte) 0xff);
        h[0] = (byte) 0xbf; // blob, continuation
        h[10] = 0x01;
        s.overwrite(e.offset(), h);
        s.fixTrailers();
        DamageOracle.Result r = expectDamage(s, s.dependents(e));
        assertTrue(r.rejected.get(e.id()).getMessage().contains("overflows"), r.rejected.get(e.id()).getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 62, 1L << 59, 1L << 40, Integer.MAX_VALUE, 700_000_000L, 300_000_000L, 30_000_000L})
    void hugeDeclaredSizeIsRefusedWithoutAllocating(long declared) throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == 3 && x.length() > 16 && s.dependents(x).size() > 1);
        byte[] h = concat(new byte[] {(byte) (0x80 | (3 << 4) | (declared & 15))}, varint(declared >>> 4));
        if ((declared >>> 4) == 0) {
            h = new byte[] {(byte) ((3 << 4) | (declared & 15))};
        }
        s.overwrite(e.offset(), h);
        s.fixTrailers();
        s.write();
        // Read the damaged object and its dependents in this thread to measure what each read
        // allocates: at most the configured cap (32 MiB) plus small change, whatever is declared.
        try (ObjectDatabase db = ObjectDatabase.builder(s.gitDir).maxObjectSize(32L << 20).build();
             ObjectReader r = db.newReader()) {
            for (ObjectId id : s.dependents(e)) {
                long before = allocatedBytes();
                IOException x = assertThrows(IOException.class, () -> r.open(id).bytes(), id.name());
                long allocated = allocatedBytes() - before;
                assertInstanceOf(CorruptPackException.class, x, x.toString());
                assertEquals(s.packPath.getFileName(), ((CorruptPackException) x).file().getFileName());
                assertTrue(allocated < (32L << 20) + (4L << 20), "allocated " + allocated
                        + " bytes for a declared size of " + declared);
            }
        }
        expectDamage(s, s.dependents(e));
    }

    @Test
    void configurableCapRefusesLargeObjects() throws IOException {
        PackSurgery s = PackSurgery.of("bigblob");
        PackSurgery.Entry big = s.first(x -> x.size() > 1_000_000);
        try (ObjectDatabase db = ObjectDatabase.builder(s.gitDir).maxObjectSize(100_000).build()) {
            CorruptPackException x = assertThrows(CorruptPackException.class, () -> db.open(big.id()).bytes());
            assertTrue(x.getMessage().contains("limit"), x.getMessage());
        }
    }

    // ---- delta headers and instructions -------------------------------------------------------

    @Test
    void deltaHeaderBaseSizeWrong() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        byte[] d = s.inflated(e);
        // Add one to the base size varint's first byte (keeps its length when < 0x7f in the low bits).
        d[0] = (byte) ((d[0] & 0x80) | ((d[0] + 1) & 0x7f));
        assertTrue(s.replaceData(e, d), "re-deflated delta does not fit");
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void deltaHeaderResultSizeWrong() throws IOException {
        PackSurgery s = PackSurgery.of("refdelta");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.REF_DELTA);
        byte[] d = s.inflated(e);
        int p = 0;
        while ((d[p++] & 0x80) != 0) {
            // skip base size
        }
        d[p] = (byte) ((d[p] & 0x80) | ((d[p] + 3) & 0x7f));
        assertTrue(s.replaceData(e, d), "re-deflated delta does not fit");
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void deltaVarintOverflows() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        byte[] d = new byte[12];
        java.util.Arrays.fill(d, (byte) 0xff);
        d[11] = 0x01;
        assertTrue(s.replaceData(e, d));
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void deltaResultSizeOf2to62() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        int baseLen = s.content.get(s.chain(e.id()).get(1).id()).data().length;
        byte[] d = concat(varint(baseLen), varint(1L << 62), new byte[] {(byte) 0x90, 0x10});
        assertTrue(s.replaceData(e, d));
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void deltaCopiesPastItsBase() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        int baseLen = s.content.get(s.chain(e.id()).get(1).id()).data().length;
        int from = Math.max(0, baseLen - 10);
        byte[] d = concat(varint(baseLen), varint(100),
                new byte[] {(byte) 0x93, (byte) from, (byte) (from >> 8), 100});
        assertTrue(s.replaceData(e, d));
        s.fixTrailers();
        DamageOracle.Result r = expectDamage(s, s.dependents(e));
        assertTrue(r.rejected.get(e.id()).getMessage().contains("out of a base"), r.rejected.get(e.id()).getMessage());
    }

    @Test
    void deltaReservedInstructionAndTruncatedInsert() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry a = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        PackSurgery.Entry b = s.entries.stream().filter(x -> x.typeCode() == ObjectType.OFS_DELTA && x.size() > 40
                && !s.chain(x.id()).contains(a) && !s.chain(a.id()).contains(x)).findFirst().orElseThrow();
        int baseA = s.content.get(s.chain(a.id()).get(1).id()).data().length;
        int baseB = s.content.get(s.chain(b.id()).get(1).id()).data().length;
        assertTrue(s.replaceData(a, concat(varint(baseA), varint(1), new byte[] {0})));
        assertTrue(s.replaceData(b, concat(varint(baseB), varint(50), new byte[] {50, 1, 2, 3})));
        s.fixTrailers();
        Set<ObjectId> affected = new HashSet<>(s.dependents(a));
        affected.addAll(s.dependents(b));
        expectDamage(s, affected);
    }

    // ---- deflated data ------------------------------------------------------------------------

    @Test
    void corruptDeflatedDataOfABase() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = wholeBlobWithDependents(s);
        int mid = (int) (e.dataOffset() + (e.offset() + e.length() - e.dataOffset()) / 2);
        for (int i = 0; i < 8; i++) {
            s.pack[mid + i] ^= (byte) 0x5a;
        }
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void streamedDeltaOverADamagedBaseIsRejected() throws IOException {
        // bigblob: a 3 MB base and a small delta over it; with an 8 KiB stream threshold both are
        // streamed, and the delta copies ranges of the base without needing all of it.
        PackSurgery s = PackSurgery.of("bigblob");
        PackSurgery.Entry base = s.first(x -> x.size() > 1_000_000 && !x.isDelta());
        int at = (int) (base.offset() + base.length() * 3 / 4);
        for (int i = 0; i < 6; i++) {
            s.pack[at + i] ^= (byte) 0x21;
        }
        s.fixTrailers();
        assertTrue(s.dependents(base).size() > 1);
        expectDamage(s, s.dependents(base));
    }

    @Test
    void corruptDeflatedDataOfADelta() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = s.first(x -> x.typeCode() == ObjectType.OFS_DELTA && x.length() > 64);
        s.pack[(int) e.dataOffset() + 8] ^= (byte) 0xff;
        s.pack[(int) e.dataOffset() + 9] ^= (byte) 0xff;
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void zlibStreamCutShort() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = wholeBlobWithDependents(s);
        byte[] data = s.content.get(e.id()).data();
        byte[] z = PackSurgery.deflate(data);
        // Keep the declared size but end the stream early: the first half of the data, deflated.
        byte[] half = PackSurgery.deflate(java.util.Arrays.copyOf(data, data.length / 2));
        assertTrue(half.length <= z.length);
        s.overwrite(e.dataOffset(), half);
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    // ---- delta bases --------------------------------------------------------------------------

    @Test
    void ofsDeltaBaseOutsideThePack() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        s.overwrite(e.offset() + s.sizeVarintLength(e), ofsVarint(e.offset() + 1000));
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void ofsDeltaBaseIsItself() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        s.overwrite(e.offset() + s.sizeVarintLength(e), new byte[] {0});
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void ofsDeltaBaseOffsetVarintOverflows() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.OFS_DELTA);
        byte[] v = new byte[12];
        java.util.Arrays.fill(v, (byte) 0xff);
        s.overwrite(e.offset() + s.sizeVarintLength(e), v);
        s.fixTrailers();
        expectDamage(s, s.dependents(e));
    }

    @Test
    void refDeltaNamesAMissingBase() throws IOException {
        PackSurgery s = PackSurgery.of("refdelta");
        PackSurgery.Entry e = deltaWithBaseAndDependents(s, ObjectType.REF_DELTA);
        byte[] missing = new byte[20];
        java.util.Arrays.fill(missing, (byte) 0xab);
        s.overwrite(e.dataOffset() - 20, missing);
        s.fixTrailers();
        DamageOracle.Result r = expectDamage(s, s.dependents(e));
        assertInstanceOf(MissingObjectException.class, r.rejected.get(e.id()));
    }

    @Test
    void refDeltaCycle() throws IOException {
        PackSurgery s = PackSurgery.of("refdelta");
        PackSurgery.Entry a = s.first(x -> x.typeCode() == ObjectType.REF_DELTA);
        PackSurgery.Entry b = s.entries.stream().filter(x -> x.typeCode() == ObjectType.REF_DELTA && x != a
                && !s.chain(x.id()).contains(a) && !s.chain(a.id()).contains(x)).findFirst().orElseThrow();
        s.overwrite(a.dataOffset() - 20, b.id().toByteArray());
        s.overwrite(b.dataOffset() - 20, a.id().toByteArray());
        s.fixTrailers();
        Set<ObjectId> affected = new HashSet<>(s.dependents(a));
        affected.addAll(s.dependents(b));
        DamageOracle.Result r = expectDamage(s, affected);
        assertTrue(r.rejected.get(a.id()).getMessage().contains("cycl"), r.rejected.get(a.id()).getMessage());
    }

    @Test
    void refDeltaIsItsOwnBase() throws IOException {
        PackSurgery s = PackSurgery.of("refdelta");
        PackSurgery.Entry a = deltaWithBaseAndDependents(s, ObjectType.REF_DELTA);
        s.overwrite(a.dataOffset() - 20, a.id().toByteArray());
        s.fixTrailers();
        expectDamage(s, s.dependents(a));
    }

    // ---- truncation ---------------------------------------------------------------------------

    @Test
    void truncatedPackIsRefusedAtOpen() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        int[] cuts = {0, 1, 11, 12, 31, 32, 1000, s.origPack.length / 2, s.origPack.length - 21, s.origPack.length - 1};
        for (int cut : cuts) {
            s.reset();
            s.pack = java.util.Arrays.copyOf(s.origPack, cut);
            expectOpenFailure(s, s.packPath);
        }
    }

    @Test
    void truncatedPackWithValidTrailerRejectsOnlyWhatIsCut() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        java.util.Random rnd = new java.util.Random(5303);
        for (int i = 0; i < 8; i++) {
            s.reset();
            int cut = 12 + rnd.nextInt(s.origPack.length - 32);
            s.truncatePackKeepTrailer(cut);
            PackSurgery.Entry[] gone = s.entries.stream().filter(e -> e.offset() + e.length() > cut)
                    .toArray(PackSurgery.Entry[]::new);
            // info() needs the reverse index, which refuses offsets past the data: reads only.
            expectDamage(s, s.dependents(gone), false);
        }
    }

    @Test
    void truncatedIdxIsRefusedAtOpen() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        int n = s.origIdx.length;
        int[] cuts = {0, 3, 8, 1031, 1032, 1100, n / 3, n / 2, n - 41, n - 40, n - 21, n - 1};
        for (int cut : cuts) {
            s.reset();
            s.idx = java.util.Arrays.copyOf(s.origIdx, cut);
            expectOpenFailure(s, s.idxPath);
        }
    }

    // ---- index damage -------------------------------------------------------------------------

    @Test
    void fanoutNotMonotonic() throws IOException {
        for (String fx : new String[] {"history", "idxv1"}) {
            PackSurgery s = PackSurgery.of(fx);
            int base = s.idxV2() ? 8 : 0;
            int at = base + 4 * 100;
            PackSurgery.putInt(s.idx, at, PackSurgery.getInt(s.idx, at - 4) - 1);
            s.fixIdxChecksum();
            CorruptPackException c = expectOpenFailure(s, s.idxPath);
            assertTrue(c.getMessage().contains("monotonic"), c.getMessage());
        }
    }

    @Test
    void wrongPackTrailer() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        s.pack[s.pack.length - 1] ^= 1;
        expectOpenFailure(s, s.packPath);
    }

    @Test
    void wrongPackChecksumInIdx() throws IOException {
        PackSurgery s = PackSurgery.of("idxv1");
        s.idx[s.idx.length - 30] ^= 1;
        s.fixIdxChecksum();
        expectOpenFailure(s, s.packPath);
    }

    @Test
    void wrongIdxChecksumIsFoundByVerifyNotByReads() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        s.idx[s.idx.length - 1] ^= 1;
        expectDamage(s, Set.of()); // as in git: normal reads do not hash the index
        try (ObjectDatabase db = ObjectDatabase.open(s.gitDir)) {
            CorruptPackException c = assertThrows(CorruptPackException.class, () -> db.packs().getFirst().index().verify());
            assertEquals(s.idxPath.getFileName(), c.file().getFileName());
        }
    }

    @Test
    void objectCountMismatch() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.putInt(s.pack, 8, s.count() + 1);
        s.fixTrailers();
        CorruptPackException c = expectOpenFailure(s, s.packPath);
        assertEquals(8, c.offset());
    }

    @Test
    void idxV2SizeDoesNotFitCount() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        // Claim one object more in every fan-out bucket from 0xf0 on: the layout no longer fits.
        for (int b = 0xf0; b < 256; b++) {
            PackSurgery.putInt(s.idx, 8 + 4 * b, PackSurgery.getInt(s.idx, 8 + 4 * b) + 1);
        }
        s.fixIdxChecksum();
        expectOpenFailure(s, s.idxPath);
    }

    @Test
    void largeOffsetIndexOutOfRangeOrSequence() throws IOException {
        PackSurgery s = PackSurgery.of("idx64");
        PackSurgery.Entry e = s.entries.stream()
                .filter(x -> PackSurgery.getInt(s.origIdx, s.idxOffsetPos(x.pos())) < 0).findFirst().orElseThrow();
        PackSurgery.putInt(s.idx, s.idxOffsetPos(e.pos()), 0x80000000 | 100000);
        s.fixIdxChecksum();
        CorruptPackException c = expectOpenFailure(s, s.idxPath);
        assertEquals(s.idxOffsetPos(e.pos()), c.offset(), c.getMessage());
        // An 8-byte insertion into the CRC table shifts the offset table by two entries: without
        // the checks at open, ids would be paired with other objects' (matching) CRCs and offsets.
        s.reset();
        int at = s.idxOffsetPos(0) - 4 * 100;
        byte[] nb = new byte[s.idx.length + 8];
        System.arraycopy(s.idx, 0, nb, 0, at);
        System.arraycopy(s.idx, at, nb, at + 8, s.idx.length - at);
        s.idx = nb;
        s.fixTrailers();
        expectOpenFailure(s, s.idxPath);
    }

    @Test
    void largeOffsetPastThePack() throws IOException {
        PackSurgery s = PackSurgery.of("idx64");
        PackSurgery.Entry e = s.entries.stream()
                .filter(x -> PackSurgery.getInt(s.origIdx, s.idxOffsetPos(x.pos())) < 0).findFirst().orElseThrow();
        int slot = PackSurgery.getInt(s.origIdx, s.idxOffsetPos(e.pos())) & 0x7fffffff;
        int at = s.idxOffsetPos(s.count()) + 8 * slot;
        PackSurgery.putInt(s.idx, at, 0x7fff);
        s.fixIdxChecksum();
        s.write();
        DamageOracle.Result r = DamageOracle.readAll(s, s.entries.stream().map(PackSurgery.Entry::id).toList(), false);
        assertTrue(r.clean(), r::toString);
        assertEquals(Set.of(e.id()), r.rejected.keySet(), r::toString);
    }

    @Test
    void idxOffsetPointsOutsideOrIntoTheHeader() throws IOException {
        for (String fx : new String[] {"history", "idxv1"}) {
            PackSurgery s = PackSurgery.of(fx);
            PackSurgery.Entry a = s.entries.get(s.count() - 1);
            PackSurgery.Entry b = s.entries.get(s.count() - 2);
            PackSurgery.putInt(s.idx, s.idxOffsetPos(a.pos()), s.origPack.length + 5);
            PackSurgery.putInt(s.idx, s.idxOffsetPos(b.pos()), 3);
            s.fixIdxChecksum();
            s.write();
            DamageOracle.Result r = DamageOracle.readAll(s, s.entries.stream().map(PackSurgery.Entry::id).toList(), false);
            assertTrue(r.clean(), r::toString);
            Set<ObjectId> affected = new HashSet<>(s.dependents(a, b));
            assertEquals(affected, r.rejected.keySet(), r::toString);
        }
    }

    @Test
    void unsupportedVersions() throws IOException {
        PackSurgery s = PackSurgery.of("history");
        PackSurgery.putInt(s.pack, 4, 4);
        s.fixTrailers();
        expectOpenFailure(s, s.packPath);
        s.reset();
        PackSurgery.putInt(s.idx, 4, 3);
        s.fixIdxChecksum();
        expectOpenFailure(s, s.idxPath);
        s.reset();
        s.pack[0] = 'J';
        s.fixTrailers();
        expectOpenFailure(s, s.packPath);
    }

    @Test
    void sanityUndamagedCopyReadsIdentically() throws IOException {
        for (String fx : new String[] {"history", "refdelta", "idx64", "idxv1", "sha256"}) {
            PackSurgery s = PackSurgery.of(fx);
            DamageOracle.Result r = DamageOracle.readAll(s);
            if (!r.clean() || !r.rejected.isEmpty() || r.openFailure != null) {
                fail(fx + ": " + r);
            }
        }
    }
}
