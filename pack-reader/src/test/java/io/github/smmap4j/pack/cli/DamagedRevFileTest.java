package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged {@code .rev} beside a pack: git 2.39 reports a bad header and computes the order
 * itself; here any damage is reported as a warning and the order computed, so the output is
 * git's, byte for byte.
 */
class DamagedRevFileTest {
    @Test
    void aDamagedRevIsIgnoredWithAWarning(@TempDir Path tmp) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        TestRepo r = TestRepo.init(tmp, "r");
        for (int i = 0; i < 20; i++) {
            r.write("f" + i, ("content " + i + "\n").repeat(i + 1));
        }
        r.git("add", ".");
        r.git("commit", "-q", "-m", "c");
        r.git("-c", "pack.writeReverseIndex=true", "repack", "-adq");
        Path rev;
        try (Stream<Path> s = Files.list(r.gitDir.resolve("objects/pack"))) {
            rev = s.filter(p -> p.toString().endsWith(".rev")).findFirst().orElse(null);
        }
        assumeTrue(rev != null, "this git writes no .rev (before 2.31)");
        byte[] orig = Files.readAllBytes(rev);
        String[][] commands = {
            {"cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname) %(objectsize:disk) %(deltabase)"},
            {"cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objectsize:disk)"},
            {"cat-file", "--batch-all-objects", "--unordered", "--batch"},
        };
        CliRunner.Run[] intact = new CliRunner.Run[commands.length];
        for (int c = 0; c < commands.length; c++) {
            intact[c] = CliRunner.git(r.dir, null, commands[c]);
        }
        int n = (orig.length - 12 - 40) / 4;
        // The header (signature, version, hash id): git reports it and computes the order, as we do.
        // A position, the pack checksum: git 2.39 trusts the file (and fails); we give the right answer.
        for (int at : new int[] {0, 7, 11, 12, 12 + 4 * (n - 1), 12 + 4 * n}) {
            byte[] bad = orig.clone();
            bad[at] ^= 0x40;
            Files.write(rev, bad);
            for (int c = 0; c < commands.length; c++) {
                CliRunner.Run ours = at < 12 ? GitCompare.same(r.dir, null, commands[c]) : CliRunner.ours(r.dir, null, commands[c]);
                CliGoldenTest.assertSame(intact[c], ours, String.join(" ", commands[c]) + ", byte " + at + " damaged");
                assertTrue(ours.err().contains("warning: ") && ours.err().contains(rev.getFileName().toString()), ours.err());
            }
        }
    }
}
