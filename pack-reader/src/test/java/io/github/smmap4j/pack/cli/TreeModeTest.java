package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.FileMode;
import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.TestRepo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cat-file -p} of a tree prints modes as git's {@code canon_mode} makes them. */
class TreeModeTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    @Test
    void deprecatedAndOddModesPrintCanonically(@TempDir Path tmp) throws Exception {
        TestRepo r = TestRepo.init(tmp, "r");
        String blob = r.git(TestRepo.bytes("x\n"), "hash-object", "-w", "--stdin");
        byte[] id = ObjectId.fromHex(blob).toByteArray();
        String[][] entries = {{"100600", "a600"}, {"100664", "b664"}, {"100755", "c755"}, {"100775", "d775"},
            {"120000", "elink"}, {"120777", "flink"}, {"40000", "gdir"}, {"040000", "hdir"}, {"160000", "igl"},
            {"0", "jzero"}, {"100000", "k100000"}, {"100100", "l100100"}, {"644", "m644"}, {"170000", "n17"},
            {"140000", "osock"}, {"20000", "pchr"}};
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        for (String[] e : entries) {
            tree.write(TestRepo.bytes(e[0] + " " + e[1] + "\0"));
            tree.write(id);
        }
        Path file = TestRepo.write(tmp.resolve("tree.bin"), tree.toByteArray());
        String t = r.git("hash-object", "-t", "tree", "-w", "--literally", file.toString());
        CliRunner.Run ours = GitCompare.same(r.dir, null, "cat-file", "-p", t);
        assertTrue(ours.text().startsWith("100644 blob " + blob + "\ta600\n100644 blob"), ours.text());
        GitCompare.same(r.dir, t + "\n", "cat-file", "--batch"); // the raw tree is unchanged
        for (String[] e : entries) {
            GitCompare.same(r.dir, null, "cat-file", "-t", t + ":" + e[1]);
            GitCompare.same(r.dir, t + ":" + e[1] + "/\n", "cat-file", "--batch-check");
        }
        assertEquals(0100644, FileMode.canonical(0100664));
        assertEquals(0100755, FileMode.canonical(0100775));
        assertEquals(FileMode.GITLINK, FileMode.canonical(0140000));
    }
}
