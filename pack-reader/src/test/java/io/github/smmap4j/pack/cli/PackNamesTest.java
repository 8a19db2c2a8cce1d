package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs need not be named {@code pack-<hash>}: git uses every {@code *.idx} with a {@code .pack} beside it. */
class PackNamesTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    @Test
    void everyIdxWithItsPackIsUsedWhateverItsName(@TempDir Path tmp) throws IOException {
        TestRepo r = TestRepo.init(tmp, "r");
        r.write("a", "one\n");
        r.git("add", "a");
        r.git("commit", "-q", "-m", "one");
        r.git("repack", "-adq");
        r.write("b", "two\n");
        r.git("add", "b");
        r.git("commit", "-q", "-m", "two");
        r.git("repack", "-dq"); // a second pack
        Path packDir = r.gitDir.resolve("objects/pack");
        List<Path> idxs;
        try (Stream<Path> s = Files.list(packDir)) {
            idxs = s.filter(p -> p.toString().endsWith(".idx")).sorted().toList();
        }
        assertEquals(2, idxs.size());
        String[] names = {"custom", ".hidden"};
        for (int i = 0; i < idxs.size(); i++) {
            String base = idxs.get(i).getFileName().toString().replace(".idx", "");
            Files.move(idxs.get(i), packDir.resolve(names[i] + ".idx"));
            Files.move(packDir.resolve(base + ".pack"), packDir.resolve(names[i] + ".pack"));
        }
        Files.write(packDir.resolve("orphan.idx"), Files.readAllBytes(packDir.resolve("custom.idx"))); // no .pack: skipped
        String full = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", full);
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--unordered", full);
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--batch");
        GitCompare.same(r.dir, "HEAD\nHEAD:a\nHEAD~1:a\n", "cat-file", "--batch");
        try (ObjectDatabase db = ObjectDatabase.open(r.dir)) {
            assertEquals(2, db.packs().size(), db.packs().toString());
        }
    }
}
