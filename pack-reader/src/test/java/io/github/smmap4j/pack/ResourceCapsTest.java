package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each resource cap of {@link ObjectDatabase.Builder} hit by a hostile file: the reader refuses
 * cleanly (the exception type, a message naming the file, or a warning and the objects read
 * another way), and a real repository under the defaults still reads. The heaviest cases run in
 * a JVM with a 64 MiB heap, where the allocation the cap prevents would not fit.
 */
class ResourceCapsTest {
    @TempDir
    Path tmp;

    /** Every object of {@code repo} as git prints it: id to type and content. */
    private static Map<ObjectId, GitBatch.Obj> gitObjects(Path repo) throws IOException {
        Map<ObjectId, GitBatch.Obj> all = new HashMap<>();
        try (GitBatch g = new GitBatch(Files.isDirectory(repo.resolve(".git")) ? repo.resolve(".git") : repo)) {
            for (GitBatch.Obj o = g.next(); o != null; o = g.next()) {
                all.put(ObjectId.fromHex(o.id()), o);
            }
        }
        return all;
    }

    private static void readsEverything(ObjectDatabase db, Map<ObjectId, GitBatch.Obj> want) throws IOException {
        for (Map.Entry<ObjectId, GitBatch.Obj> e : want.entrySet()) {
            ObjectLoader l = db.open(e.getKey());
            assertEquals(e.getValue().type(), l.type().typeName(), e.getKey().name());
            assertTrue(java.util.Arrays.equals(e.getValue().data(), l.bytes()), e.getKey().name());
        }
    }

    private TestRepo smallRepo() {
        TestRepo r = TestRepo.init(tmp, "r");
        for (int i = 0; i < 10; i++) {
            r.write("f" + i, "content " + i + "\n");
        }
        r.git("add", ".");
        r.git("commit", "-q", "-m", "c");
        r.git("-c", "pack.writeReverseIndex=true", "repack", "-adq");
        return r;
    }

    private static Path only(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    @Test
    void anIndexDeclaringMoreObjectsThanTheCapIsRefusedNamingItsCount() throws IOException {
        assumeTrue(GitBatch.gitAvailable());
        TestRepo r = smallRepo();
        Path idx = only(r.gitDir.resolve("objects/pack"), ".idx");
        int n;
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) { // the defaults read it
            readsEverything(db, gitObjects(r.dir));
            n = db.packs().getFirst().objectCount();
        }
        try (ObjectDatabase db = ObjectDatabase.builder(r.dir).maxObjectCount(n).build()) {
            assertEquals(n, db.packs().getFirst().objectCount()); // exactly the cap is fine
        }
        CorruptPackException e = assertThrows(CorruptPackException.class,
                () -> ObjectDatabase.builder(r.dir).maxObjectCount(n - 1).build());
        assertEquals(idx, e.file());
        assertTrue(e.getMessage().contains("at offset 1028") && e.getMessage().contains("maxObjectCount"), e.getMessage());
        try (ObjectDatabase db = ObjectDatabase.builder(r.dir).maxObjectCount(n - 1).lenientPacks(true).build()) {
            assertEquals(List.of(), db.packs());
            assertEquals(idx, db.packErrors().getFirst().file());
        }
        assertThrows(IllegalArgumentException.class, () -> ObjectDatabase.builder(r.dir).maxObjectCount(0));
    }

    @Test
    void aMultiPackIndexOverTheObjectCapIsIgnoredAndEveryObjectStillReads() throws IOException {
        assumeTrue(GitBatch.gitAvailable());
        TestRepo r = TestRepo.init(tmp, "m");
        for (int c = 0; c < 3; c++) {
            r.write("f" + c, "content " + c + "\n");
            r.git("add", ".");
            r.git("commit", "-q", "-m", "c" + c);
            r.git("repack", "-q"); // a pack of the new objects only
        }
        r.git("multi-pack-index", "write");
        Map<ObjectId, GitBatch.Obj> want = gitObjects(r.dir);
        long largestPack;
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            largestPack = db.packs().stream().mapToLong(PackFile::objectCount).max().orElseThrow();
            assertTrue(db.storage().packs().multiPackIndexes().stream().anyMatch(c -> !c.layers().isEmpty()));
        }
        assertTrue(largestPack < want.size());
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ObjectDatabase db = ObjectDatabase.builder(r.dir).maxObjectCount(largestPack).warnings(warnings::add).build()) {
            readsEverything(db, want);
            assertTrue(db.storage().packs().multiPackIndexes().stream().allMatch(c -> c.layers().isEmpty()));
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains(MidxChain.SINGLE) && warnings.getFirst().contains("maxObjectCount"),
                warnings.toString());
    }

    @Test
    void aChainOfMoreLayersThanTheCapUsesTheLowestAndReadsEveryObject() throws IOException {
        assumeTrue(GitBatch.gitAvailable());
        Path repo = MidxRepo.create(tmp, 5, false);
        Path packDir = repo.resolve("objects/pack");
        List<String> idx = MidxRepo.files(packDir, ".idx").stream().map(p -> p.getFileName().toString()).toList();
        MidxRepo.writeChain(packDir, List.of(idx.subList(0, 2), idx.subList(2, 4), idx.subList(4, idx.size())));
        Map<ObjectId, GitBatch.Obj> want = gitObjects(repo);
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            assertEquals(3, db.storage().packs().multiPackIndexes().getFirst().layers().size());
        }
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ObjectDatabase db = ObjectDatabase.builder(repo).maxMidxLayers(2).warnings(warnings::add).build()) {
            readsEverything(db, want);
            assertEquals(2, db.storage().packs().multiPackIndexes().getFirst().layers().size());
        }
        assertTrue(!warnings.isEmpty() && warnings.getFirst().contains("multi-pack-index-chain")
                && warnings.getFirst().contains("maxMidxLayers"), warnings.toString());
    }

    @Test
    void aRevFileLongerThanThePackCanBackIsIgnoredWithoutMappingIt() throws IOException {
        assumeTrue(GitBatch.gitAvailable());
        TestRepo r = smallRepo();
        Path rev = only(r.gitDir.resolve("objects/pack"), ".rev");
        try (RandomAccessFile f = new RandomAccessFile(rev.toFile(), "rw")) {
            f.setLength(1L << 40); // sparse: a terabyte the file claims, not one the disk holds
        }
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<String> order = new ArrayList<>();
        try (ObjectDatabase db = ObjectDatabase.builder(r.dir).warnings(warnings::add).build()) {
            db.forEachInPackOrder(l -> order.add(l.id().name()));
            assertTrue(db.manager().stats().mappedBytes() < 1 << 20, db.manager().stats().toString());
        }
        assertEquals(gitObjects(r.dir).size(), order.size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains(rev.toString()) && warnings.getFirst().contains("1099511627776 bytes"),
                warnings.getFirst());
    }

    @Test
    void configPackedRefsAndReflogsLongerThanTheCapAreRefusedNamingTheFile() throws IOException {
        assumeTrue(GitBatch.gitAvailable());
        TestRepo r = smallRepo();
        r.git("pack-refs", "--all");
        r.git("commit", "-q", "--allow-empty", "-m", "second");
        long cap = 4096;
        String head = r.git("rev-parse", "HEAD").strip();
        Path packed = r.gitDir.resolve("packed-refs");
        Path config = r.gitDir.resolve("config");
        try (ObjectDatabase db = ObjectDatabase.builder(r.dir).maxMetadataFileSize(cap).build()) {
            Revision rev = new Revision(db);
            assertTrue(rev.resolve("main@{1}") != null); // small files under the cap read
            byte[] log = Files.readAllBytes(r.gitDir.resolve("logs/HEAD"));
            Files.write(r.gitDir.resolve("logs/HEAD"), new byte[(int) cap + 1], java.nio.file.StandardOpenOption.APPEND);
            CorruptPackException l = assertThrows(CorruptPackException.class, () -> new Revision(db).resolve("HEAD@{1}"));
            assertEquals(r.gitDir.resolve("logs/HEAD"), l.file());
            String refs = Files.readString(packed);
            Files.writeString(packed, refs + ("# padding\n").repeat(1000));
            CorruptPackException p = assertThrows(CorruptPackException.class, () -> new Revision(db).resolve("refs/tags/nope"));
            assertEquals(packed, p.file());
            assertTrue(p.getMessage().contains("maxMetadataFileSize"), p.getMessage());
            Files.writeString(packed, refs);
            Files.write(r.gitDir.resolve("logs/HEAD"), log);
        }
        Files.writeString(config, Files.readString(config) + ("# padding\n").repeat(500));
        CorruptPackException c = assertThrows(CorruptPackException.class,
                () -> ObjectDatabase.builder(r.dir).maxMetadataFileSize(cap).build());
        assertEquals(config, c.file());
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) { // the default cap reads them all
            assertEquals(head, new Revision(db).resolve("main").id().name());
            assertTrue(new Revision(db).resolve("HEAD@{1}").id() != null);
        }
    }

    /** In a 64 MiB heap: the library under a 16 MiB cap on a 256 MiB packed-refs, and show-index of a 100-million-object claim. */
    @Test
    void inASmallHeapTheCapsHoldWhereTheAllocationWouldNotFit() throws Exception {
        assumeTrue(GitBatch.gitAvailable());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assumeTrue(cp != null && !cp.isBlank(), "no class path to start a JVM with");
        TestRepo r = smallRepo();
        try (RandomAccessFile f = new RandomAccessFile(r.gitDir.resolve("packed-refs").toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Run lib = run(List.of(javaBin, "-Xmx64m", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"), "-cp", cp,
                SmallHeap.class.getName(), r.dir.toString()), new byte[0]);
        assertEquals(0, lib.exit, lib.err);
        assertTrue(lib.out.startsWith("refused: ") && lib.out.contains("packed-refs") && lib.out.contains("maxMetadataFileSize"),
                lib.out + lib.err);
        byte[] idx = new byte[8 + 256 * 4];
        ByteBuffer b = ByteBuffer.wrap(idx);
        b.putInt(PackIndex.V2_MAGIC).putInt(2);
        for (int i = 0; i < 256; i++) {
            b.putInt(100_000_000);
        }
        Run show = run(List.of(javaBin, "-Xmx64m", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"), "-cp", cp,
                Main.class.getName(), "show-index"), idx);
        assertEquals(128, show.exit, show.err);
        assertEquals("fatal: unable to read sha1 0/100000000\n", show.err);
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(List<String> cmd, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang: " + cmd);
        assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), err);
        return new Run(p.exitValue(), out, err);
    }

    /** The child JVM: resolves a ref under a 16 MiB cap on files read whole, printing what it got. */
    static final class SmallHeap {
        public static void main(String[] args) throws IOException {
            try (ObjectDatabase db = ObjectDatabase.builder(Path.of(args[0])).maxMetadataFileSize(16L << 20).build()) {
                System.out.println("resolved: " + new Revision(db).resolve("refs/tags/nope"));
            } catch (CorruptPackException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }
}
