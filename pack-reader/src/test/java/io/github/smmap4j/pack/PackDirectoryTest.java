package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pack directories: {@link PackDirectory#find} is the one search of every pack for an id
 * (scan order, a pack to skip), {@link PackDirectory#inGitOrder} is git's {@code --unordered}
 * order (local first, newest pack first), and a rescan retires packs that went away.
 */
class PackDirectoryTest {
    @Test
    void findLocatesInTheFirstPackAndSkips(@TempDir Path tmp) throws IOException {
        Fixtures.untar(Fixtures.testdata().resolve("repos/multipack.tar.gz"), tmp);
        Path packDir = tmp.resolve("multipack.git/objects/pack");
        Path idx;
        try (var s = Files.list(packDir)) {
            idx = s.filter(f -> f.toString().endsWith(".idx")).sorted().findFirst().orElseThrow();
        }
        // A second copy of one pack under another name: its objects are stored twice.
        String base = idx.toString().substring(0, idx.toString().length() - 4);
        Files.copy(idx, packDir.resolve("pack-" + "f".repeat(40) + ".idx"));
        Files.copy(Path.of(base + ".pack"), packDir.resolve("pack-" + "f".repeat(40) + ".pack"));
        try (ObjectDatabase db = ObjectDatabase.open(tmp.resolve("multipack.git"))) {
            PackDirectory dir = db.storage().packs();
            PackFile[] packs = dir.packs();
            assertTrue(packs.length > 2, "multipack has several packs");
            int twice = 0;
            for (PackFile p : packs) {
                for (int i = 0; i < p.objectCount(); i++) {
                    ObjectId id = p.index.idAt(i);
                    ObjectLocation at = dir.find(id, null);
                    assertNotNull(at);
                    int first = 0;
                    while (!packs[first].index.contains(id)) {
                        first++;
                    }
                    assertEquals(packs[first], at.pack(), "first pack in scan order");
                    assertEquals(at.pack().index.offsetAt(at.pack().index.findPosition(id)), at.offset());
                    ObjectLocation other = dir.find(id, at.pack());
                    if (other != null) {
                        twice++;
                        assertTrue(other.pack() != at.pack() && other.pack().index.contains(id));
                    }
                }
            }
            assertTrue(twice > 0, "the fixture stores some object in two packs");
            assertNull(dir.find(ObjectId.fromHex("0123456789012345678901234567890123456789"), null));
        }
    }

    @Test
    void gitOrderIsLocalFirstThenNewestPackFirst(@TempDir Path tmp) throws IOException {
        Fixtures.untar(Fixtures.testdata().resolve("repos/multipack.tar.gz"), tmp);
        Path packDir = tmp.resolve("multipack.git/objects/pack");
        List<Path> packFiles = new ArrayList<>();
        try (var s = Files.list(packDir)) {
            s.filter(f -> f.toString().endsWith(".pack")).sorted().forEach(packFiles::add);
        }
        // Give the packs distinct times, oldest first in name order, then reverse.
        for (int i = 0; i < packFiles.size(); i++) {
            Files.setLastModifiedTime(packFiles.get(i), FileTime.fromMillis(1_000_000_000_000L - i * 10_000L));
        }
        try (ObjectDatabase db = ObjectDatabase.open(tmp.resolve("multipack.git"))) {
            List<PackFile> order = db.packsInGitOrder();
            assertEquals(db.packs().size(), order.size());
            assertEquals(new HashSet<>(db.packs()), new HashSet<>(order));
            Path local = tmp.resolve("multipack.git/objects").toRealPath();
            boolean sawAlternate = false;
            long lastLocalTime = Long.MAX_VALUE;
            for (PackFile p : order) {
                boolean isLocal = p.packPath().startsWith(local);
                if (!isLocal) {
                    sawAlternate = true;
                    continue;
                }
                assertTrue(!sawAlternate, "local packs come before the alternate's");
                long t = Files.getLastModifiedTime(p.packPath()).toMillis();
                assertTrue(t <= lastLocalTime, "newest first");
                lastLocalTime = t;
            }
        }
    }

    @Test
    void rescanRetiresADeletedPack(@TempDir Path tmp) throws IOException {
        Fixtures.untar(Fixtures.testdata().resolve("repos/multipack.tar.gz"), tmp);
        try (ObjectDatabase db = ObjectDatabase.open(tmp.resolve("multipack.git"))) {
            PackDirectory dir = db.storage().packs();
            PackFile gone = dir.packs()[0];
            Set<ObjectId> onlyThere = new HashSet<>();
            for (int i = 0; i < gone.objectCount(); i++) {
                ObjectId id = gone.index.idAt(i);
                if (dir.find(id, gone) == null) {
                    onlyThere.add(id);
                }
            }
            Files.delete(gone.indexPath());
            Files.delete(gone.packPath());
            assertTrue(dir.rescan(), "the set of packs changed");
            for (PackFile p : dir.packs()) {
                assertTrue(p != gone);
            }
            for (ObjectId id : onlyThere) {
                assertNull(dir.find(id, null), id.name());
            }
            assertTrue(!dir.rescan(), "nothing changed since");
        }
    }
}
