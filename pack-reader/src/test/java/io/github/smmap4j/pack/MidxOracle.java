package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The oracle of the multi-pack-index damage tests: git's objects of the undamaged repository,
 * and a check that a database opened on the damaged files reads every one of them right (or
 * cleanly refuses it), lists each at most once, and that the verifier reports rather than
 * crashes. Damage to a multi-pack-index never costs an object: a file refused is replaced by
 * the search of every pack; only a crafted file (a valid checksum over wrong content) may
 * hide objects, as it does in git.
 */
final class MidxOracle {
    final Path repo;
    final Map<ObjectId, GitBatch.Obj> objects = new HashMap<>();

    MidxOracle(Path repo) throws IOException {
        this.repo = repo;
        try (GitBatch g = new GitBatch(repo)) {
            for (GitBatch.Obj o = g.next(); o != null; o = g.next()) {
                objects.put(ObjectId.fromHex(o.id()), o);
            }
        }
    }

    /**
     * A crafted file may hide an object only by leaving it out: no layer in use lists it, and
     * every pack holding it is one the multi-pack-indexes cover (so it is not searched alone).
     */
    private static void hiddenByOmission(ObjectDatabase db, ObjectId id, String what) {
        Set<PackFile> covered = new HashSet<>();
        for (MidxChain c : db.storage().packs().multiPackIndexes()) {
            covered.addAll(c.usablePacks());
            for (MultiPackIndex m : c.layers()) {
                assertTrue(!m.contains(id), what + ": " + id.name() + " is in " + m + " and in a pack, yet missing");
            }
        }
        for (PackFile p : db.packs()) {
            assertTrue(!p.index.contains(id) || covered.contains(p),
                    what + ": " + id.name() + " is in a pack no multi-pack-index covers, yet missing");
        }
    }

    /** What one check saw. */
    record Outcome(List<String> warnings, boolean midxUsed, int missing, String verifier) {
    }

    /**
     * Opens the repository as it is on disk and reads every object by id, its header and info,
     * and the id-order listing; fails on wrong bytes, an unclean exception, a duplicate or (unless
     * {@code crafted}) a missing object.
     */
    Outcome check(boolean crafted, String what) throws IOException {
        List<String> warnings = new CopyOnWriteArrayList<>();
        int missing = 0;
        try (ObjectDatabase db = ObjectDatabase.builder(repo).warnings(warnings::add).build();
             ObjectReader r = db.newReader()) {
            for (Map.Entry<ObjectId, GitBatch.Obj> e : objects.entrySet()) {
                GitBatch.Obj o = e.getValue();
                try {
                    ObjectLoader l = r.open(e.getKey());
                    assertEquals(o.type(), l.type().typeName(), what + ": type of " + o.id());
                    assertArrayEquals(o.data(), l.bytes(), what + ": content of " + o.id());
                    ObjectInfo i = r.info(e.getKey());
                    assertEquals(o.size(), i.size(), what + ": size of " + o.id());
                } catch (MissingObjectException m) {
                    if (!crafted) {
                        fail(what + ": " + o.id() + " missing though only a damaged multi-pack-index changed", m);
                    }
                    hiddenByOmission(db, e.getKey(), what);
                    missing++;
                } catch (CorruptPackException c) {
                    fail(what + ": the packs are intact, yet " + c.getMessage(), c);
                }
            }
            List<ObjectId> listed = new ArrayList<>();
            db.forEachObject(where -> {
                listed.add(where.id());
                assertTrue(objects.containsKey(where.id()), what + ": listed " + where.id().name() + ", which is no object");
            });
            for (int i = 1; i < listed.size(); i++) {
                assertTrue(listed.get(i - 1).compareTo(listed.get(i)) < 0, what + ": listing out of order or twice at " + i);
            }
            Set<ObjectId> all = new HashSet<>(listed);
            if (!crafted) {
                assertEquals(objects.keySet(), all, what + ": listing");
            }
            // In use after all that: refused at the scan, or cut off by its content check.
            boolean used = db.storage().packs().multiPackIndexes().stream().anyMatch(c -> !c.layers().isEmpty());
            String verdict;
            try {
                MultiPackIndexVerifier.Result v = MultiPackIndexVerifier.verify(db, db.objectDirectories().getFirst());
                verdict = v.ok() ? "ok" : v.problems().getFirst();
            } catch (CorruptPackException c) {
                verdict = "refused: " + c.getMessage();
            }
            return new Outcome(List.copyOf(warnings), used, missing, verdict);
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }
}
