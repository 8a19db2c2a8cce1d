package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI ({@code target/smmap4j.jar}, run by failsafe after {@code package}) as a Unix
 * tool, in a separate JVM of the build's JDK: {@code --version} from the jar, {@code | head}
 * ending with git's status 141 and nothing on stderr, and progress on stderr only when stderr is
 * a terminal. The repository has more objects (100,001 blobs, made with {@code git fast-import})
 * than the progress threshold, and its output is far larger than a pipe's buffer.
 */
class CliProcessIT {
    private static final int BLOBS = 100_001;

    @TempDir
    static Path tmp;
    private static Path repo;

    @BeforeAll
    static void makeRepository() throws IOException, InterruptedException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        repo = tmp.resolve("many.git");
        assertEquals(0, run(List.of("git", "init", "-q", "--bare", repo.toString()), null).code());
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < BLOBS; i++) {
            String data = i + "\n";
            in.append("blob\ndata ").append(data.length()).append('\n').append(data).append('\n');
        }
        CliRunner.Run r = run(List.of("git", "--git-dir=" + repo, "fast-import", "--quiet"), in.toString());
        assertEquals(0, r.code(), r.err());
    }

    private static String jar() {
        String jar = System.getProperty("smmap4j.jar");
        assertNotNull(jar, "system property smmap4j.jar (set by the POM's failsafe configuration)");
        assertTrue(Files.isRegularFile(Path.of(jar)), jar + " was not built");
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> smmap4j(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code cmd} with {@code stdin} (or none), stdout and stderr captured, progress not suppressed. */
    private static CliRunner.Run run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove("SMMAP4J_NO_PROGRESS");
        if (stdin == null) {
            pb.redirectInput(new File("/dev/null"));
        }
        Process p = pb.start();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang: " + cmd);
        writer.join();
        return new CliRunner.Run(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Runs {@code "$@" | head -1} in bash; the exit code is that of the command before the pipe. */
    private static CliRunner.Run pipedIntoHead(List<String> cmd) throws IOException, InterruptedException {
        List<String> bash = new ArrayList<>(List.of("bash", "-c", "\"$@\" | head -1; exit \"${PIPESTATUS[0]}\"", "bash"));
        bash.addAll(cmd);
        return run(bash, null);
    }

    @Test
    void versionComesFromTheJar() throws Exception {
        String expected = "smmap4j version " + System.getProperty("smmap4j.version") + " (output as git version "
                + VersionCommand.GIT_VERSION + ")\n";
        for (String arg : List.of("--version", "-v", "version")) {
            CliRunner.Run r = run(smmap4j(arg), null);
            assertEquals(0, r.code(), r.err());
            assertEquals(expected, r.text());
            assertEquals("", r.err());
        }
    }

    @Test
    void pipedIntoHeadEndsWithStatus141AndNoStackTrace() throws Exception {
        String[] args = {"--git-dir=" + repo, "cat-file", "--batch-all-objects", "--batch-check"};
        List<String> git = new ArrayList<>(List.of("git"));
        git.addAll(List.of(args));
        CliRunner.Run g = pipedIntoHead(git);
        List<String> ours = new ArrayList<>(List.of(java(), "-jar", jar(), "cat-file", "--git-dir", repo.toString(),
                "--batch-all-objects", "--batch-check"));
        CliRunner.Run r = pipedIntoHead(ours);
        assertEquals(141, g.code(), "git's status when its reader goes away (SIGPIPE)");
        assertEquals(g.code(), r.code(), r.err());
        assertEquals(g.text(), r.text());
        assertEquals("", r.err(), "stderr after the pipe closed");
    }

    @Test
    void progressOnStderrOnlyWhenStderrIsATerminal() throws Exception {
        List<String> cmd = smmap4j("cat-file", "--git-dir", repo.toString(), "--batch-all-objects", "--batch-check");
        CliRunner.Run piped = run(cmd, null);
        assertEquals(0, piped.code(), piped.err());
        assertEquals("", piped.err(), "stderr is a pipe: no progress");
        CliRunner.Run git = run(List.of("git", "--git-dir=" + repo, "cat-file", "--batch-all-objects", "--batch-check"), null);
        assertEquals(git.text(), piped.text());
        assertEquals(BLOBS, piped.text().lines().count());

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) is not installed: no terminal to test with");
        String done = "Objects: 100% (" + BLOBS + "/" + BLOBS + "), done.";
        CliRunner.Run tty = underTerminal(cmd, Map.of());
        assertEquals(0, tty.code(), tty.text());
        assertTrue(tty.text().contains(done), "stderr is a terminal: progress expected, got: " + tty.text());
        assertFalse(tty.text().contains("\tat "), tty.text());
        CliRunner.Run quiet = underTerminal(cmd, Map.of("SMMAP4J_NO_PROGRESS", "1"));
        assertEquals(0, quiet.code(), quiet.text());
        assertFalse(quiet.text().contains("Objects:"), "SMMAP4J_NO_PROGRESS=1: " + quiet.text());
    }

    /** Runs {@code cmd} with stdout to /dev/null and stderr on a pseudo-terminal (script(1)); returns what the terminal showed. */
    private static CliRunner.Run underTerminal(List<String> cmd, Map<String, String> env) throws Exception {
        StringBuilder line = new StringBuilder();
        env.forEach((k, v) -> line.append(k).append('=').append(quote(v)).append(' '));
        for (String c : cmd) {
            line.append(quote(c)).append(' ');
        }
        line.append(">/dev/null");
        return run(List.of("/usr/bin/script", "-qec", line.toString(), "/dev/null"), null);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
