package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects git cannot read in a batch: git reports the error on stderr, prints
 * {@code <name> missing} and goes on (exit 0) when the header cannot be read, and prints the
 * header line then dies when only the content is damaged. Compared with git byte for byte.
 */
class UnreadableObjectsTest {
    static final String FULL = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    /** Loose object files git cannot (or can only partly) read, each under a made-up id. */
    static List<byte[]> damagedLooseFiles() {
        List<byte[]> files = new ArrayList<>();
        files.add(TestRepo.bytes("garbage, not zlib"));                                     // corrupt
        files.add(new byte[] {(byte) 0x39, 0x14, 0x78, (byte) 0x9c, 0x03, 0x00});           // old-style header
        files.add(new byte[0]);                                                             // empty file
        files.add(TestRepo.deflate(TestRepo.bytes("blob 03\0abc")));                        // size not canonical
        files.add(TestRepo.deflate(TestRepo.bytes("blob 3 \0abc")));                        // junk after the size
        files.add(TestRepo.deflate(TestRepo.bytes("blob 3")));                              // header never ends
        files.add(TestRepo.deflate(TestRepo.bytes("blob \0")));                             // no size
        files.add(TestRepo.deflate(TestRepo.bytes("blob 3\0abcdef")));                      // longer than declared
        files.add(TestRepo.deflate(TestRepo.bytes("blob 99999999999\0abc")));              // far longer claimed
        byte[] trailing = TestRepo.deflate(TestRepo.bytes("blob 3\0abc"));
        files.add(ByteBuffer.allocate(trailing.length + 8).put(trailing).put(TestRepo.bytes("trailing")).array());
        files.add(TestRepo.deflate(TestRepo.bytes("tree 0\0")));                            // fine: an empty tree
        return files;
    }

    private static String fakeId(int i) {
        return String.format("%040x", 0xab0000 + i);
    }

    @Test
    void aDamagedLooseObjectIsMissingAndTheBatchGoesOn(@TempDir Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        StringBuilder in = new StringBuilder();
        List<byte[]> files = damagedLooseFiles();
        for (int i = 0; i < files.size(); i++) {
            r.writeLoose(fakeId(i), files.get(i));
            in.append(fakeId(i)).append('\n');
        }
        String good = r.git(TestRepo.bytes("good\n"), "hash-object", "-w", "--stdin");
        in.append(good).append("\nnosuch\n");
        CliRunner.Run ours = GitCompare.same(r.dir, in.toString(), "cat-file", "--batch-check");
        assertEquals(0, ours.code());
        assertTrue(ours.text().contains(fakeId(0) + " missing\n") && ours.err().contains("error: "), ours.err());
        GitCompare.same(r.dir, in.toString(), "cat-file", FULL);
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", FULL);
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--batch-check", "--unordered");
        // --batch: each object alone (a damaged content ends git's batch after the header line)
        for (int i = 0; i < files.size(); i++) {
            if (i == 7 || i == 8) {
                continue; // git prints a loose blob's bytes whatever its header says: see README, differences
            }
            GitCompare.same(r.dir, fakeId(i) + "\n" + good + "\n", "cat-file", "--batch");
        }
    }

    @Test
    void contentDamageAfterAGoodHeaderGivesTheHeaderLineThenFatal(@TempDir Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        String commit = r.git("commit-tree", "-m", "x", "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        byte[] raw = TestRepo.bytes(r.git("cat-file", "commit", commit) + "\n");
        String header = "commit " + (raw.length - 5) + "\0";
        byte[] file = new byte[header.length() + raw.length];
        System.arraycopy(TestRepo.bytes(header), 0, file, 0, header.length());
        System.arraycopy(raw, 0, file, header.length(), raw.length);
        r.writeLoose(commit, TestRepo.deflate(file)); // a commit longer than its header says
        CliRunner.Run ours = GitCompare.same(r.dir, commit + "\n" + commit + "\n", "cat-file", "--batch");
        assertEquals(128, ours.code());
        GitCompare.same(r.dir, commit + "\n", "cat-file", "--batch-check");
        GitCompare.same(r.dir, null, "cat-file", "-t", commit);
        GitCompare.same(r.dir, null, "cat-file", "-p", commit);
    }

    /** A packed repository of five objects, and its pack and index files. */
    private static TestRepo packed(Path tmp, String name) throws IOException {
        TestRepo r = TestRepo.init(tmp, name);
        for (int i = 1; i <= 3; i++) {
            r.write("f" + i, "file " + i + "\n");
        }
        r.git("add", ".");
        r.git("commit", "-q", "-m", "c");
        r.git("repack", "-adq");
        return r;
    }

    private static Path only(Path dir, String ext) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(ext)).findFirst().orElseThrow();
        }
    }

    @Test
    void aPackThatDoesNotMatchItsIndexHasItsObjectsMissing(@TempDir Path tmp) throws IOException {
        TestRepo r = packed(tmp, "r");
        Path pack = only(r.gitDir.resolve("objects/pack"), ".pack");
        byte[] b = Files.readAllBytes(pack);
        b[b.length - 1] ^= 1;
        TestRepo.write(pack, b);
        CliRunner.Run ours = GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", FULL);
        assertEquals(0, ours.code());
        assertTrue(ours.text().endsWith(" missing\n") && ours.err().contains("error: "), ours.err());
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--batch");
        GitCompare.same(r.dir, "HEAD\nHEAD:f1\n", "cat-file", "--batch-check");
        GitCompare.same(r.dir, null, "cat-file", "-t", "HEAD");
    }
}
