package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.MapManager;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's single-file example, {@code docs/Example.java}, run as a user runs it: the build's
 * {@code java} launching the source file with only the two module jars on the class path (failsafe
 * runs this after {@code package}); its output must be what git says about the same repository.
 */
class DocsExampleIT {
    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String git(Path repo, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + repo));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "git " + args[0]);
        return out;
    }

    @Test
    void exampleOutputIsGits() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Path repo = Fixtures.repo("history");
        Path example = Fixtures.projectRoot().resolve("docs").resolve("Example.java");
        assertTrue(Files.isRegularFile(example), example.toString());
        String classPath = jarOf(ObjectDatabase.class) + File.pathSeparator + jarOf(MapManager.class);

        StringBuilder expected = new StringBuilder(git(repo, "HEAD\n", "cat-file", "--batch-check"));
        expected.append(git(repo, "", "cat-file", "-p", "HEAD"));
        Map<ObjectType, Integer> count = new TreeMap<>();
        git(repo, "", "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)").lines()
                .forEach(t -> count.merge(ObjectType.fromName(t), 1, Integer::sum));
        count.forEach((type, n) -> expected.append(type).append(' ').append(n).append('\n'));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--class-path", classPath, example.toString(), repo.toString())
                .redirectInput(new File("/dev/null")).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the example hangs");
        assertEquals(0, p.exitValue(), err.join());
        assertEquals("", err.join());
        assertEquals(expected.toString(), out);
    }
}
