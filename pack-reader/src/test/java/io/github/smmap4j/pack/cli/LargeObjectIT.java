package io.github.smmap4j.pack.cli;

import static io.github.smmap4j.pack.LargeObjectPack.A;
import static io.github.smmap4j.pack.LargeObjectPack.B;
import static io.github.smmap4j.pack.LargeObjectPack.C;
import static io.github.smmap4j.pack.LargeObjectPack.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.LargeObjectPack;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.PackFile;
import io.github.smmap4j.pack.PackVerifier;
import io.github.smmap4j.pack.TestRepo;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects larger than any Java array (a 3 GiB blob, a delta over it, a small delta over that),
 * through the packaged CLI in a JVM of 256 MiB heap and through the library: every command
 * streams and checks, and each object's content hashes to its id, which {@link LargeObjectPack}
 * computed from what the delta instructions mean.
 */
class LargeObjectIT {
    private static final long SIZE = 3L << 30;
    private static final String HEAP = "-Xmx256m";

    @TempDir
    static Path tmp;
    static Path repo;
    static LargeObjectPack pack;

    @BeforeAll
    static void makePack() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        repo = tmp.resolve("large.git");
        TestRepo.run(tmp, null, "init", "-q", "--bare", repo.toString());
        pack = new LargeObjectPack(repo.resolve("objects").resolve("pack"), SIZE);
    }

    @Test
    void verifyPackListsEveryObjectAsGitDoes() throws Exception {
        long packLength = Files.size(pack.pack);
        String expected = line(A, packLength, 0, null) + line(B, packLength, 1, pack.ids[A])
                + line(C, packLength, 2, pack.ids[B]) + line(D, packLength, 0, null)
                + "non delta: 2 objects\nchain length = 1: 1 object\nchain length = 2: 1 object\n"
                + pack.pack + ": ok\n";
        Out r = run(null, "verify-pack", "-v", pack.idx.toString());
        assertEquals(0, r.code, r.err);
        assertEquals(expected, new String(r.bytes, StandardCharsets.US_ASCII));
    }

    /** A {@code verify-pack -v} line: for a delta, its size is the delta's (its entry header's). */
    private static String line(int i, long packLength, int depth, ObjectId base) {
        long next = i == D ? packLength - 20 : pack.offsets[i + 1];
        String s = pack.ids[i].name() + " blob   " + pack.headerSizes[i] + " " + (next - pack.offsets[i]) + " "
                + pack.offsets[i];
        return s + (base == null ? "" : " " + depth + " " + base.name()) + "\n";
    }

    @Test
    void batchAllObjectsStreamsEveryObjectInIdOrder() throws Exception {
        Out r = run(null, "cat-file", "--batch-all-objects", "--batch");
        assertEquals(0, r.code, r.err);
        List<ObjectId> sorted = new ArrayList<>(Arrays.asList(pack.ids));
        sorted.sort(null);
        assertEquals(sorted, r.records.ids());
    }

    @Test
    void unorderedBatchStreamsEveryObjectInPackOrder() throws Exception {
        Out r = run(null, "cat-file", "--batch-all-objects", "--unordered", "--batch");
        assertEquals(0, r.code, r.err);
        assertEquals(List.of(pack.ids), r.records.ids());
    }

    @Test
    void batchOnStdinAndBatchCheck() throws Exception {
        String in = pack.ids[C].name() + "\n" + pack.ids[B].name() + "\n";
        Out r = run(in, "cat-file", "--batch");
        assertEquals(0, r.code, r.err);
        assertEquals(List.of(pack.ids[C], pack.ids[B]), r.records.ids());
        Out check = run(null, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname) %(objectsize)");
        StringBuilder expected = new StringBuilder();
        for (int i = A; i <= D; i++) {
            expected.append(pack.ids[i].name()).append(' ').append(pack.sizes[i]).append('\n');
        }
        assertEquals(expected.toString(), new String(check.bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void prettyPrintAndSizeOfEachObject() throws Exception {
        for (int i = A; i <= D; i++) {
            Out p = run(null, pack.sizes[i], "cat-file", "-p", pack.ids[i].name());
            assertEquals(0, p.code, p.err);
            assertEquals(pack.ids[i], p.records.asBlob(), "cat-file -p of object " + i);
            Out s = run(null, "cat-file", "-s", pack.ids[i].name());
            assertEquals(pack.sizes[i] + "\n", new String(s.bytes, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void libraryVerifiesAndTraversesInAnyOrder() throws Exception {
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            PackFile p = db.packs().getFirst();
            PackVerifier.Result res = PackVerifier.verify(db, p, 2, null, PackVerifier.CollisionDetection.OFF); // the CLI run checks with detection
            assertEquals(4, res.objects());
            Map<ObjectId, ObjectId> seen = new ConcurrentHashMap<>();
            db.forEachObjectInAnyOrder(2, (id, type, size, data, large) -> {
                MessageDigest md = blobDigest(size);
                if (large != null) {
                    try (InputStream in = large) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                } else {
                    md.update(data, 0, (int) size);
                }
                assertNull(seen.put(id, ObjectId.fromRaw(md.digest(), 0, 20)), "visited twice: " + id);
            });
            Map<ObjectId, ObjectId> expected = new TreeMap<>();
            for (ObjectId id : pack.ids) {
                expected.put(id, id);
            }
            assertEquals(expected, new TreeMap<>(seen));
        }
    }

    // ---- the packaged CLI in a small heap, its output checked as it streams ----

    private record Out(int code, byte[] bytes, Records records, String err) {
    }

    private static Out run(String stdin, String... args) throws Exception {
        return run(stdin, -1, args);
    }

    /** Runs the CLI; {@code blobSize >= 0}: its whole output is one blob's content of that size, else batch records. */
    private static Out run(String stdin, long blobSize, String... args) throws Exception {
        String jar = System.getProperty("smmap4j.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "system property smmap4j.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()); // a bare repository, found from its directory
        if (stdin == null) {
            pb.redirectInput(new File("/dev/null"));
        }
        Process proc = pb.start();
        if (stdin != null) {
            try (var o = proc.getOutputStream()) {
                o.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
        }
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return proc.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Records records = new Records(blobSize);
        try (InputStream out = proc.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = out.read(buf)) > 0; ) {
                records.accept(buf, n);
            }
        }
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS), "hang: " + cmd);
        return new Out(proc.exitValue(), records.head(), records, new String(err.join(), StandardCharsets.UTF_8));
    }

    private static MessageDigest blobDigest(long size) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            return md;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses {@code --batch} output as it streams ({@code <id> blob <size>\n<content>\n} records),
     * checking that each record's content hashes to its id; or hashes the whole output as the
     * content of a blob of a known size (for {@code -p}); keeps the first 64 KiB either way.
     */
    private static final class Records {
        private final List<ObjectId> ids = new ArrayList<>();
        private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private final MessageDigest whole;
        private boolean parsing;
        private ObjectId id;
        private MessageDigest md;
        private long left = -1; // content bytes left of the current record; -1: in a header line

        Records(long blobSize) {
            whole = blobSize < 0 ? null : blobDigest(blobSize);
            parsing = whole == null;
        }

        void accept(byte[] b, int n) {
            if (whole != null) {
                whole.update(b, 0, n);
            }
            if (head.size() < 65536) {
                head.write(b, 0, Math.min(n, 65536 - head.size()));
            }
            for (int i = 0; i < n && parsing; ) {
                if (left < 0) {
                    byte c = b[i++];
                    if (c != '\n') {
                        line.write(c);
                        parsing = line.size() < 200;
                        continue;
                    }
                    String[] f = line.toString(StandardCharsets.US_ASCII).split(" ");
                    line.reset();
                    if (f.length != 3 || !f[1].equals("blob") || !ObjectId.isHex(f[0])) {
                        parsing = false;
                        continue;
                    }
                    id = ObjectId.fromHex(f[0]);
                    left = Long.parseLong(f[2]);
                    md = blobDigest(left);
                } else if (left > 0) {
                    int k = (int) Math.min(left, n - i);
                    md.update(b, i, k);
                    i += k;
                    left -= k;
                } else {
                    assertEquals('\n', b[i++], "record of " + id + " ends with a newline");
                    assertEquals(id, ObjectId.fromRaw(md.digest(), 0, 20), "content of " + id);
                    ids.add(id);
                    left = -1;
                }
            }
        }

        /** The ids of the records, each checked against its content. */
        List<ObjectId> ids() {
            assertTrue(parsing, "output is not batch records");
            assertEquals(-1, left, "output ended inside a record");
            return ids;
        }

        byte[] head() {
            return head.toByteArray();
        }

        /** The id of the whole output as a blob of the size given. */
        ObjectId asBlob() {
            return ObjectId.fromRaw(whole.digest(), 0, 20);
        }
    }
}
