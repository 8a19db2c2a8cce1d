package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.DeepChainRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cat-file --batch-all-objects --batch} in id order byte for byte against git on a
 * repository built here with deep delta chains, loose objects and duplicates in a second pack:
 * with the default base cache, one where everything is evicted and one in between, and with
 * formats with and without a size on disk and delta base.
 */
class IdOrderBatchTest {
    @TempDir
    Path tmp;

    @Test
    void deepChainsLooseAndDuplicatesAsGitPrintsThem() {
        assumeTrue(GitBatch.gitAvailable());
        Path repo = DeepChainRepo.deepChains(tmp).dir;
        for (String fmt : List.of("--batch", "--batch=%(objecttype) %(objectname) %(objectsize)",
                "--batch=" + CliGoldenTest.FULL)) {
            CliRunner.Run git = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", fmt);
            for (String cache : List.of("", "1", "150k")) {
                List<String> args = new ArrayList<>(List.of("cat-file"));
                if (!cache.isEmpty()) {
                    args.addAll(List.of("--base-cache", cache));
                }
                args.addAll(List.of("--batch-all-objects", fmt));
                CliGoldenTest.assertSame(git, CliRunner.ours(repo, null, args.toArray(String[]::new)), args.toString());
            }
        }
    }
}
