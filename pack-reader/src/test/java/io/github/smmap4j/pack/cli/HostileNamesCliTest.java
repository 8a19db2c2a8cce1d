package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.HostileNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile names of {@link HostileNames} through the CLI: {@code --batch-check},
 * {@code --batch}, {@code --batch-command} and {@code -p}/{@code -t} give git's stdout and exit
 * code byte for byte, never a Java exception; non-ASCII and non-UTF-8 bytes in names are echoed
 * as they came; the names git overflows its stack on get an answer.
 */
class HostileNamesCliTest {
    @TempDir
    static Path tmp;
    static Path repo;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
        repo = HostileNames.build(tmp);
    }

    @Test
    void batchModes() throws Exception {
        List<String> names = HostileNames.names(repo);
        byte[] in = (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
        for (String mode : List.of("--batch-check", "--batch", "--batch-check=" + CliGoldenTest.FULL + " [%(rest)]")) {
            CliGoldenTest.assertSame(CliRunner.git(repo, in, "cat-file", mode), CliRunner.ours(repo, in, "cat-file", mode), mode);
            CliGoldenTest.assertSame(CliRunner.git(repo, in, "cat-file", "--follow-symlinks", mode),
                    CliRunner.ours(repo, in, "cat-file", "--follow-symlinks", mode), mode + " --follow-symlinks");
        }
        List<String> cmds = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            cmds.add((i % 2 == 0 ? "info " : "contents ") + names.get(i));
        }
        byte[] c = (String.join("\n", cmds) + "\n").getBytes(StandardCharsets.UTF_8);
        CliGoldenTest.assertSame(CliRunner.git(repo, c, "cat-file", "--batch-command"),
                CliRunner.ours(repo, c, "cat-file", "--batch-command"), "--batch-command");
    }

    @Test
    void singleObjectModes() throws Exception {
        for (String name : HostileNames.names(repo)) {
            if (name.length() > 1000) {
                continue; // an argument: fine, but slow to print on failure
            }
            for (String opt : List.of("-t", "-e", "-p")) {
                CliRunner.Run git = CliRunner.git(repo, null, "cat-file", opt, name);
                CliRunner.Run ours = CliRunner.ours(repo, null, "cat-file", opt, name);
                CliGoldenTest.assertSame(git, ours, "cat-file " + opt + " " + name);
            }
        }
    }

    /** Bytes that are not UTF-8, and Latin-1 ones, come back as they were sent. */
    @Test
    void rawBytesEchoed() {
        byte[] in = {'H', 'E', 'A', 'D', ':', (byte) 0xff, '\n', (byte) 0xe9, '\n', 'H', 'E', 'A', 'D', ':', (byte) 0xc3, (byte) 0xa9, '\n',
            (byte) 0xc3, '\n', 'i', 'n', 'f', 'o', '\n'};
        CliGoldenTest.assertSame(CliRunner.git(repo, in, "cat-file", "--batch-check"), CliRunner.ours(repo, in, "cat-file", "--batch-check"), "raw");
        byte[] cmd = {'i', 'n', 'f', 'o', ' ', (byte) 0xff, (byte) 0xfe, '\n', 'c', 'o', 'n', 't', 'e', 'n', 't', 's', ' ', 'H', 'E', 'A', 'D',
            ':', (byte) 0xc3, (byte) 0xa9, '\n'};
        CliGoldenTest.assertSame(CliRunner.git(repo, cmd, "cat-file", "--batch-command"),
                CliRunner.ours(repo, cmd, "cat-file", "--batch-command"), "raw commands");
    }

    @Test
    void namesThatCrashGit() {
        String head = CliRunner.git(repo, null, "rev-parse", "HEAD").text().strip();
        StringBuilder in = new StringBuilder();
        for (String n : HostileNames.crashingGit().subList(0, 3)) {
            in.append(n).append('\n');
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            CliRunner.Run r = CliRunner.ours(repo, in.toString().getBytes(StandardCharsets.UTF_8), "cat-file", "--batch-check=%(objectname)");
            assertEquals(0, r.code(), r.err());
            assertEquals(head + "\n" + head + "\n" + head + "\n", r.text());
        });
    }
}
