package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loose objects over all object directories: git's listing order, sizes on disk, whole and
 * streamed loads that agree, the size cap, and a header lying about the size.
 */
class LooseObjectsTest {
    private static LooseObjects of(ObjectDatabase db) {
        return db.storage().loose();
    }

    @Test
    void listingFollowsGitsDirectoryOrder() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("multipack"))) {
            List<ObjectId> want = new ArrayList<>();
            for (Path dir : db.objectDirectories()) {
                for (int b = 0; b < 256; b++) {
                    Path d = dir.resolve(String.format("%02x", b));
                    if (Files.isDirectory(d)) {
                        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                            ds.forEach(f -> want.add(ObjectId.fromHex(d.getFileName() + f.getFileName().toString())));
                        }
                    }
                }
            }
            List<ObjectId> got = new ArrayList<>();
            db.forEachLooseId(got::add);
            assertTrue(got.size() > 3, "the fixture has loose objects");
            assertEquals(want, got);
        }
    }

    @Test
    void wholeAndStreamedLoadsAgreeAndDiskSizeIsTheFile() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("loose"))) {
            LooseObjects loose = of(db);
            List<ObjectId> ids = new ArrayList<>();
            loose.forEach(ids::add);
            assertTrue(!ids.isEmpty());
            for (ObjectId id : ids) {
                ObjectLoader whole = loose.load(id, Long.MAX_VALUE, Limits.MAX_ARRAY);
                ObjectLoader streamed = loose.load(id, 0, Limits.MAX_ARRAY);
                assertTrue(!whole.isLarge() && (streamed.isLarge() || streamed.size() == 0));
                try (InputStream in = streamed.openStream()) {
                    assertArrayEquals(whole.bytes(), in.readAllBytes(), id.name());
                }
                ObjectInfo info = loose.info(id);
                String hex = id.name();
                Path file = db.objectDirectories().getFirst().resolve(hex.substring(0, 2)).resolve(hex.substring(2));
                assertEquals(Files.size(file), info.diskSize());
                assertEquals(whole.size(), info.size());
                assertEquals(whole.type(), info.type());
            }
            assertNull(loose.info(ObjectId.fromHex("0123456789012345678901234567890123456789")));
            ObjectId big = ids.stream().filter(i -> {
                try {
                    return loose.info(i).size() > 10;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).findFirst().orElseThrow();
            CorruptPackException e = assertThrows(CorruptPackException.class, () -> loose.load(big, Long.MAX_VALUE, 10));
            assertTrue(e.getMessage().contains("exceeds the limit of 10"), e.getMessage());
        }
    }

    @Test
    void aLooseObjectLongerThanItsHeaderIsCorruption(@TempDir Path tmp) throws IOException {
        Path objects = tmp.resolve("objects");
        String hex = "0123456789abcdef0123456789abcdef01234567";
        Path f = objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
        Files.createDirectories(f.getParent());
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput("blob 3\0abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        d.finish();
        byte[] buf = new byte[100];
        int n = d.deflate(buf);
        d.end();
        Files.write(f, java.util.Arrays.copyOf(buf, n));
        LooseObjects loose = new LooseObjects(List.of(objects), ObjectFormat.SHA1);
        CorruptPackException e = assertThrows(CorruptPackException.class,
                () -> loose.load(ObjectId.fromHex(hex), Long.MAX_VALUE, Limits.MAX_ARRAY));
        assertTrue(e.getMessage().contains("longer than its declared 3 bytes"), e.getMessage());
    }
}
