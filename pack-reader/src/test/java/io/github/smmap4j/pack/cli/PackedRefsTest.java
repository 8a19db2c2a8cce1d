package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.TestRepo;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A malformed {@code packed-refs}: git refuses the whole file (every lookup fails, even of a
 * full id, which git checks against the refs) or only the records a lookup lands on, depending
 * on the damage. Each variant compared with git for refs, full ids and batches.
 */
class PackedRefsTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    static final String H = "%H";
    static final String SORTED = "# pack-refs with: peeled fully-peeled sorted \n";

    /** packed-refs contents, %H standing for the commit's id. */
    static Stream<String> variants() {
        return Stream.of(
                SORTED + H + " refs/heads/main\n" + H + " refs/tags/t1\n",                 // well-formed
                SORTED + H + " refs/heads/main\n" + H + " refs/tags/t1",                   // last line unterminated
                "# garbage\n" + H + " refs/heads/main\n" + H + " refs/tags/t1\n",          // not git's header
                "# pack-refs with: peeled",                                                // header unterminated
                SORTED + H + " refs/heads/main\nxyz\n" + H + " refs/tags/t1\n",            // short line, sorted
                H + " refs/heads/main\nxyz\n" + H + " refs/tags/t1\n",                     // short line, unsorted
                SORTED + "d9d30a33fff9f4cb75854b9b4bd6f4zzzzzzzzzz refs/heads/main\n" + H + " refs/tags/t1\n",
                "d9d30a33fff9f4cb75854b9b4bd6f4zzzzzzzzzz refs/heads/main\n" + H + " refs/tags/t1\n",
                H + " refs/tags/t1\n" + H + " refs/heads/main\n",                          // unsorted, no header
                "",
                SORTED,
                "# pack-refs with: sorted \n" + H + " refs/heads/main\n" + H + " refs/tags/t1\nab\n",
                SORTED + H + " refs/heads/main\n^zz\n" + H + " refs/tags/t1\n",            // bad peeled line
                SORTED.replace("\n", "\r\n") + H + " refs/heads/main\r\n" + H + " refs/tags/t1\r\n",
                "# pack-refs with: sorted \n" + H + "Xrefs/heads/main\n" + H + " refs/tags/t1\n",
                SORTED + H + " refs/heads/main\n" + H + " refs/replace/" + "0".repeat(40) + "\n" + H + " refs/tags/t1\n",
                SORTED + H + " refs/heads/main\n" + H + " refs/replace/x\nbad\n" + H + " refs/tags/t1\n");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void lookupsFailWhereGitsFail(String packedRefs, @TempDir Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        r.git("commit", "-q", "--allow-empty", "-m", "x");
        r.git("tag", "t1");
        r.git("pack-refs", "--all");
        String head = r.git("rev-parse", "HEAD");
        TestRepo.write(r.gitDir.resolve("packed-refs"), TestRepo.bytes(packedRefs.replace(H, head)));
        for (String name : new String[] {"HEAD", head, "t1", "main", "refs/heads/main", "nosuch", head.substring(0, 7)}) {
            GitCompare.same(r.dir, null, "cat-file", "-t", name);
            GitCompare.same(r.dir, null, "cat-file", "-e", name);
        }
        GitCompare.same(r.dir, head + "\nt1\n", "cat-file", "--batch-check");
        GitCompare.same(r.dir, head + "\n", "--no-replace-objects", "cat-file", "--batch-check");
        GitCompare.same(r.dir, "", "cat-file", "--batch-check");
        CliRunner.Run all = GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--batch-check");
        assertEquals(0, all.code(), all.err()); // git reads no ref for that
    }
}
