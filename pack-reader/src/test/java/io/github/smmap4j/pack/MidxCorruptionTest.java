package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-made damage to git's multi-pack-index and to chain layers: bit flips in every part,
 * truncations, counts and offsets past the end, crafted files whose checksum is valid. Each is
 * refused (with a warning) or caught at lookup, and every object still reads right
 * ({@link MidxOracle}).
 */
class MidxCorruptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path tmp;
    static Path repo;
    static MidxOracle oracle;
    static byte[] pristine;
    static Path file;

    @BeforeAll
    static void makeRepo() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write the multi-pack-index");
        repo = MidxRepo.create(tmp, 5, true);
        oracle = new MidxOracle(repo);
        file = repo.resolve("objects/pack/multi-pack-index");
        pristine = Files.readAllBytes(file);
    }

    @BeforeEach
    void restore() throws IOException {
        Files.write(file, pristine);
    }

    /** [start, end) of chunk {@code id} in a multi-pack-index. */
    static int[] chunk(byte[] m, int id) {
        ByteBuffer b = ByteBuffer.wrap(m);
        int n = m[6] & 0xff;
        for (int i = 0; i < n; i++) {
            if (b.getInt(12 + 12 * i) == id) {
                return new int[] {(int) b.getLong(16 + 12 * i), (int) b.getLong(28 + 12 * i)};
            }
        }
        throw new IllegalArgumentException("no chunk " + Integer.toHexString(id));
    }

    MidxOracle.Outcome damage(UnaryOperator<byte[]> how, boolean fixChecksum, String what) throws IOException {
        byte[] b = how.apply(pristine.clone());
        Files.write(file, fixChecksum ? MidxWriter.fixChecksum(ObjectFormat.SHA1, b) : b);
        return assertTimeoutPreemptively(LIMIT, () -> oracle.check(fixChecksum, what));
    }

    /** Damage the file's checks catch: it is refused with a warning naming it, and not used. */
    void refused(UnaryOperator<byte[]> how, boolean fixChecksum, String what, String expect) throws IOException {
        MidxOracle.Outcome o = damage(how, fixChecksum, what);
        assertFalse(o.midxUsed(), what + ": used " + o);
        assertEquals(0, o.missing(), what);
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("multi-pack-index") && w.contains(expect)),
                what + ": " + o.warnings());
        assertTrue(o.warnings().getFirst().contains(file.toString()), o.warnings()::toString);
        assertFalse(o.verifier().equals("ok"), what + ": the verifier reports it");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x504e414d, 0x4f494446, 0x4f49444c, 0x4f4f4646})
    void aBitFlipInAnyChunkIsACheckumMismatch(int id) throws IOException {
        int[] c = chunk(pristine, id);
        for (int at : new int[] {c[0], (c[0] + c[1]) / 2, c[1] - 1}) {
            refused(b -> {
                b[at] ^= 0x04;
                return b;
            }, false, "flip at " + at, id == MultiPackIndex.OIDL ? "checksum mismatch" : ""); // others may fail a layout check first
        }
    }

    @Test
    void headerTableAndTrailerDamage() throws IOException {
        refused(b -> flip(b, 0), false, "signature", "signature");
        refused(b -> flip(b, 4), false, "version", "version");
        refused(b -> flip(b, 5), false, "hash version", "hash version");
        refused(b -> flip(b, 6), false, "chunk count", "chunk");
        refused(b -> flip(b, 13), false, "chunk id", "");
        // PNAM one byte later: the names are "ack-...", no pack of the directory, as git sees it too.
        MidxOracle.Outcome o = damage(b -> flip(b, 23), false, "chunk offset");
        assertFalse(o.midxUsed(), o::toString);
        assertFalse(o.verifier().equals("ok"), o::toString);
        refused(b -> flip(b, b.length - 1), false, "trailer", "checksum mismatch");
    }

    @Test
    void truncations() throws IOException {
        int toc = 12 + 12 * ((pristine[6] & 0xff) + 1);
        int[] oidl = chunk(pristine, MultiPackIndex.OIDL);
        for (int len : new int[] {0, 5, 11, 12, 20, toc - 1, toc + 3, oidl[0] + 7, pristine.length - 21, pristine.length - 1}) {
            refused(b -> Arrays.copyOf(b, len), false, "truncated to " + len, "");
        }
    }

    @Test
    void countsAndOffsetsPastTheEnd() throws IOException {
        int[] oidf = chunk(pristine, MultiPackIndex.OIDF);
        int[] ooff = chunk(pristine, MultiPackIndex.OOFF);
        int[] pnam = chunk(pristine, MultiPackIndex.PNAM);
        refused(b -> put(b, 6, 255, 1), true, "255 chunks", "chunk table");
        refused(b -> put(b, 8, 0x7fffffff, 4), true, "2^31-1 packs", "too short");
        refused(b -> put(b, 8, -1, 4), true, "2^32-1 packs", "pack count");
        refused(b -> put(b, oidf[0] + 1020, 0x7fffffff, 4), true, "2^31-1 objects", "OID lookup chunk is the wrong size");
        refused(b -> put(b, oidf[0] + 1020, -1, 4), true, "2^32-1 objects", "too large");
        refused(b -> put(b, oidf[0] + 400, 0x7fffffff, 4), true, "fan-out not monotonic", "not monotonic");
        refused(b -> putLong(b, 16, b.length * 2L), true, "chunk offset past the end", "improper chunk offset");
        refused(b -> putLong(b, 16, 0), true, "chunk inside the header", "improper chunk offset");
        refused(b -> putLong(b, 16 + 12 * (b[6] & 0xff), Long.MAX_VALUE), true, "end offset past the end", "improper chunk offset");
        refused(b -> put(b, ooff[0] + 8, 1000, 4), true, "pack number past the packs", "bad pack-int-id");
        refused(b -> put(b, 12, 0, 4), true, "terminator first", "terminating chunk id");
        refused(b -> {
            Arrays.fill(b, pnam[0], pnam[1], (byte) 'x');
            return b;
        }, true, "names without NUL", "pack-name chunk is too short");
        refused(b -> {
            b[pnam[0] + 5] = (byte) 0xff; // the first name now sorts after the second
            return b;
        }, true, "names out of order", "out of order");
        int[] oidl = chunk(pristine, MultiPackIndex.OIDL);
        refused(b -> {
            byte[] first = Arrays.copyOfRange(b, oidl[0], oidl[0] + 20);
            System.arraycopy(b, oidl[0] + 20, b, oidl[0], 20);
            System.arraycopy(first, 0, b, oidl[0] + 20, 20);
            return b;
        }, true, "ids swapped", "not sorted");
    }

    @Test
    void largeOffsetsPastTheirTable() throws IOException {
        // git's entries again, with an (empty) LOFF chunk, one offset pointing into it.
        MidxWriter w = rewrite(pristine);
        byte[] withLoff = w.largeOffsets().build();
        int[] ooff = chunk(withLoff, MultiPackIndex.OOFF);
        refused(b -> {
            byte[] x = withLoff.clone();
            put(x, ooff[0] + 4, 0x80000003, 4);
            return x;
        }, true, "LOFF index past the table", "large offset out of bounds");
    }

    @Test
    void aCraftedWrongOffsetOrPackIsCaughtAtLookup() throws IOException {
        int[] ooff = chunk(pristine, MultiPackIndex.OOFF);
        ByteBuffer bb = ByteBuffer.wrap(pristine);
        int n = (ooff[1] - ooff[0]) / 8;
        // Object 0 gets the offset of another object of the same pack: a valid entry, another object.
        int other = -1;
        for (int i = 1; i < n && other < 0; i++) {
            if (bb.getInt(ooff[0] + 8 * i) == bb.getInt(ooff[0])) {
                other = i;
            }
        }
        int o = other;
        MidxOracle.Outcome r = damage(b -> put(b, ooff[0] + 4, bb.getInt(ooff[0] + 8 * o + 4), 4), true, "offset of another object");
        assertTrue(r.midxUsed());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("whose index does not")), r.warnings()::toString);
        assertTrue(r.verifier().startsWith("incorrect object offset for oid[0]"), r.verifier());
        int packs = pristine[11];
        r = damage(b -> put(b, ooff[0], (bb.getInt(ooff[0]) + 1) % packs, 4), true, "another pack");
        assertTrue(r.midxUsed());
        assertEquals(0, r.missing(), "the search of every pack finds it");
    }

    @Test
    void aCraftedMissingPackOrPhantomIdLosesNoBytes() throws IOException {
        int[] pnam = chunk(pristine, MultiPackIndex.PNAM);
        int last = pnam[0] + 50 * (pristine[11] - 1) + 44; // the last hex digit of the last "pack-<40 hex>.idx"
        assertEquals('.', (char) pristine[last + 1]);
        MidxOracle.Outcome r = damage(b -> {
            b[last] = b[last] == '0' ? (byte) '1' : (byte) '0'; // names a pack that is not there, still in order
            return b;
        }, true, "a pack that is not there");
        assertFalse(r.midxUsed(), "a stale pack list is not used");
        assertTrue(r.warnings().isEmpty(), "and is not damage: " + r.warnings());
        assertEquals(0, r.missing());
        int[] oidl = chunk(pristine, MultiPackIndex.OIDL);
        r = damage(b -> {
            b[oidl[0] + 19] ^= 1; // object 0's id, still below object 1's
            return b;
        }, true, "phantom id");
        assertTrue(r.midxUsed());
        assertTrue(r.missing() <= 1, "only the object whose id was changed can be missed");
    }

    @Test
    void aDamagedChainLayerIsRefused(@TempDir Path dir) throws IOException {
        Path chained = MidxRepo.create(dir, 4, false);
        Path packDir = chained.resolve("objects/pack");
        List<String> idx = MidxRepo.files(packDir, ".idx").stream().map(p -> p.getFileName().toString()).toList();
        MidxOracle truth = new MidxOracle(chained);
        List<Path> layers = MidxRepo.writeChain(packDir, List.of(idx.subList(0, 2), idx.subList(2, idx.size())));
        byte[] top = Files.readAllBytes(layers.get(1));
        int[] oidf = chunk(top, MultiPackIndex.OIDF);
        // Counts past the end with a valid checksum, under the name of that checksum.
        byte[] bad = MidxWriter.fixChecksum(ObjectFormat.SHA1, put(top.clone(), oidf[0] + 1020, 0x7fffffff, 4));
        Files.delete(layers.get(1));
        StringBuilder chain = new StringBuilder(Files.readString(layers.get(0).resolveSibling(MidxChain.CHAIN_FILE)).split("\n")[0] + "\n");
        MidxRepo.writeLayer(layers.get(0).getParent(), bad, chain);
        Files.writeString(layers.get(0).resolveSibling(MidxChain.CHAIN_FILE), chain);
        MidxOracle.Outcome o = truth.check(false, "layer with 2^31-1 objects");
        assertTrue(o.midxUsed(), "the base layer is used");
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("wrong size")), o.warnings()::toString);
        // Truncated (the name no longer matters: it cannot be read).
        Files.write(MidxChain.layerPath(layers.get(0).getParent(), chain.toString().split("\n")[1]), Arrays.copyOf(bad, 100));
        o = truth.check(false, "truncated layer");
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("improper chunk offset") || w.contains("too short")),
                o.warnings()::toString);
    }

    /** The git file's entries in a writer (to add chunks git would not write). */
    static MidxWriter rewrite(byte[] m) throws IOException {
        Path p = Files.write(tmp.resolve("copy"), m);
        try (io.github.smmap4j.core.MapManager mm = io.github.smmap4j.core.SlidingWindowMapManager.builder().build();
             MultiPackIndex x = MultiPackIndex.open(mm, p, ObjectFormat.SHA1)) {
            MidxWriter w = new MidxWriter(ObjectFormat.SHA1);
            x.packNames().forEach(w::pack);
            for (int i = 0; i < x.objectCount(); i++) {
                w.add(x.idAt(i), x.packAt(i), x.offsetAt(i));
            }
            return w;
        }
    }

    static byte[] flip(byte[] b, int at) {
        b[at] ^= 0x01;
        return b;
    }

    static byte[] put(byte[] b, int at, int v, int width) {
        if (width == 1) {
            b[at] = (byte) v;
        } else {
            ByteBuffer.wrap(b).putInt(at, v);
        }
        return b;
    }

    static byte[] putLong(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).putLong(at, v);
        return b;
    }
}
