package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every object of every SHA-1 fixture equals JGit's reading: type, size, bytes, and the id set. */
class JGitConformanceTest {
    static List<String> fixtures() {
        return Fixtures.SHA1;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyObjectEqualsJGit(String fixture) throws Exception {
        Path repo = Fixtures.repo(fixture);
        List<ObjectId> ours = new ArrayList<>();
        try (ObjectDatabase db = ObjectDatabase.builder(repo).windowSize(4096).maxMappedMemory(8 * 4096).build();
             ObjectReader reader = db.newReader();
             Repository jgit = new FileRepository(repo.toFile());
             org.eclipse.jgit.lib.ObjectReader jr = jgit.newObjectReader()) {
            db.forEachId(ours::add);
            for (ObjectId id : ours) {
                org.eclipse.jgit.lib.ObjectLoader jl = jr.open(org.eclipse.jgit.lib.ObjectId.fromString(id.name()));
                ObjectLoader l = reader.open(id);
                assertEquals(Constants.typeString(jl.getType()), l.type().typeName(), id + " type");
                assertEquals(jl.getSize(), l.size(), id + " size");
                assertArrayEquals(jl.getCachedBytes(Integer.MAX_VALUE), l.bytes(), id + " content");
                // The content hashes to the id: what JGit's inserter computes.
                try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
                    assertEquals(id.name(), f.idFor(jl.getType(), l.bytes()).name(), id + " hash of content");
                }
            }
            // The same id set as JGit's packs + loose objects (JGit has no all-objects walk: use its packs' indexes).
            java.util.TreeSet<String> jgitIds = new java.util.TreeSet<>();
            var odb = ((FileRepository) jgit).getObjectDatabase();
            for (var pack : odb.getPacks()) {
                for (var e : pack) {
                    jgitIds.add(e.name());
                }
            }
            java.util.TreeSet<String> ourPacked = new java.util.TreeSet<>();
            for (PackFile p : db.packs()) {
                if (p.packPath().startsWith(repo)) {
                    for (int i = 0; i < p.objectCount(); i++) {
                        ourPacked.add(p.index().idAt(i).name());
                    }
                }
            }
            assertEquals(jgitIds, ourPacked, "packed ids of " + fixture);
        }
        assertTrue(!ours.isEmpty());
    }
}
