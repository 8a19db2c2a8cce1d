package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.RepositoryFormatException;
import io.github.smmap4j.pack.TestRepo;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * git's repository format checks ({@code core.repositoryformatversion}, {@code extensions.*},
 * a malformed config): the CLI refuses exactly the repositories git 2.39 refuses, with git's exit
 * code and message, and reads the ones it accepts; each case is compared with git.
 */
class RepositoryFormatTest {
    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    /** Config text appended to a fresh repository's config (its version is 0), and a word git's message has (or null: accepted). */
    static Stream<String[]> configs() {
        return Stream.of(
                new String[] {"[core]\n\trepositoryformatversion = 1\n", null},
                new String[] {"[core]\n\trepositoryformatversion = 2\n", "Expected git repo version <= 1, found 2"},
                new String[] {"[core]\n\trepositoryformatversion = 1k\n", "found 1024"},
                new String[] {"[core]\n\trepositoryformatversion = 0x1\n", null},
                new String[] {"[core]\n\trepositoryformatversion = -1\n[extensions]\n\tfoo = bar\n", null},
                new String[] {"[core]\n\trepositoryformatversion = abc\n", "bad numeric config value"},
                new String[] {"[core]\n\trepositoryformatversion = 2\n\trepositoryformatversion = 1\n", null},
                new String[] {"[extensions]\n\tfoo = bar\n", null},
                new String[] {"[extensions]\n\tnoop-v1\n", "v1-only extension found:\n\tnoop-v1"},
                new String[] {"[extensions]\n\tobjectFormat = sha1\n\tnoop-v1\n", "v1-only extensions found:\n\tobjectformat\n\tnoop-v1"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tfoo = 1\n", "unknown repository extension found:\n\tfoo"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefStorage = reftable\n", "\trefstorage"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tfoo\n\tBar = 1\n[extensions \"Sub\"]\n\tx = 1\n",
                    "unknown repository extensions found:\n\tfoo\n\tbar\n\tSub.x"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tnoop\n\tnoop-v1\n\tobjectformat = sha1\n"
                        + "\tpreciousObjects = true\n\tpartialClone = origin\n\tworktreeConfig = false\n", null},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha512\n", "sha512"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat\n", "missing value"},
                new String[] {"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpreciousObjects = maybe\n", "bad boolean"},
                new String[] {"garbage [\n", "bad config line"},
                new String[] {"[core \"unterminated]\n", "bad config line"},
                new String[] {"[core]\n\tx = \"open quote\n", "bad config line"},
                new String[] {"[core] repositoryformatversion = 2 ; trailing comment\n", "found 2"},
                new String[] {"[core]\n\trepositoryformatversion = \\\n2\n", "found 2"});
    }

    @ParameterizedTest
    @MethodSource("configs")
    void refusedExactlyAsGitRefusesIt(String config, String message, @TempDir Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        r.write("f", "x\n");
        r.git("add", "f");
        r.git("commit", "-q", "-m", "c");
        r.appendConfig(config);
        CliRunner.Run ours = GitCompare.same(r.dir, null, "cat-file", "-t", "HEAD");
        GitCompare.same(r.dir, "HEAD\n", "cat-file", "--batch-check");
        GitCompare.same(r.dir, null, "cat-file", "--batch-all-objects", "--batch-check");
        if (message == null) {
            assertEquals(0, ours.code(), ours.err());
        } else {
            assertEquals(128, ours.code());
            assertTrue(ours.err().startsWith("fatal: ") && ours.err().contains(message), ours.err());
        }
    }

    @Test
    void theLibraryRefusesWithGitsMessage(@TempDir Path tmp) {
        TestRepo r = TestRepo.init(tmp, "r");
        r.appendConfig("[core]\n\trepositoryformatversion = 1\n[extensions]\n\tworktreeconfig = true\n\tfrobnicate\n");
        RepositoryFormatException e = assertThrows(RepositoryFormatException.class, () -> ObjectDatabase.open(r.dir));
        assertEquals("unknown repository extension found:\n\tfrobnicate", e.getMessage());
        TestRepo ok = TestRepo.init(tmp, "ok");
        ok.appendConfig("[extensions]\n\tfrobnicate\n"); // ignored under version 0, as in git
        assertDoesNotThrow(() -> ObjectDatabase.open(ok.dir).close());
    }
}
