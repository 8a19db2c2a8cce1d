package io.github.smmap4j.pack.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Runs the CLI in-process and the {@code git} binary, capturing stdout, stderr and exit code. */
final class CliRunner {
    /** One run's outcome. */
    record Run(int code, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private CliRunner() {
    }

    static Run ours(Path cwd, byte[] stdin, String... args) {
        return ours(cwd, stdin, Map.of(), args);
    }

    /** Runs the CLI in-process with {@code env} added to the process's environment. */
    static Run ours(Path cwd, byte[] stdin, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new java.util.HashMap<>(System.getenv());
        all.remove("GIT_DIR"); // as for git below
        all.putAll(env);
        Cli cli = new Cli(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), cwd, false, Map.copyOf(all));
        int code = Main.run(args, cli);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static Run git(Path cwd, byte[] stdin, String... args) {
        return git(cwd, stdin, Map.of(), args);
    }

    /** Runs {@code git} with {@code env} added to its environment. */
    static Run git(Path cwd, byte[] stdin, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().remove("GIT_DIR");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream o = p.getOutputStream()) {
                    if (stdin != null) {
                        o.write(stdin);
                    }
                } catch (IOException ignored) {
                    // git may exit before reading everything
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
            int code = p.waitFor();
            writer.join();
            return new Run(code, out, new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
