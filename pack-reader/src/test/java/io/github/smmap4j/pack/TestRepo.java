package io.github.smmap4j.pack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.Deflater;

/**
 * A small repository built at test time with the {@code git} binary (deterministic: fixed
 * identity and dates, no system or global config), plus the raw writes tests need to damage it.
 */
public final class TestRepo {
    /** The work tree. */
    public final Path dir;
    /** Its {@code .git} directory. */
    public final Path gitDir;

    private TestRepo(Path dir) {
        this.dir = dir;
        this.gitDir = dir.resolve(".git");
    }

    /** Runs {@code git init -b main} in {@code parent/name}. */
    public static TestRepo init(Path parent, String name) {
        Path d = parent.resolve(name);
        run(parent, null, "init", "-q", "-b", "main", d.toString());
        return new TestRepo(d);
    }

    /** The repository git made in {@code dir} (a clone, a {@code git init} with options of its own). */
    public static TestRepo at(Path dir) {
        return new TestRepo(dir);
    }

    /** Runs git in the work tree and returns its stdout, stripped of the trailing newline. */
    public String git(String... args) {
        return run(dir, null, args).strip();
    }

    /** Runs git in the work tree with {@code stdin} and returns its stdout, stripped. */
    public String git(byte[] stdin, String... args) {
        return run(dir, stdin, args).strip();
    }

    /** Writes {@code content} to {@code rel} in the work tree (directories made). */
    public Path write(String rel, String content) {
        return write(dir.resolve(rel), content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code data} to {@code file} (directories made, a read-only file replaced). */
    public static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the raw file of loose object {@code hex} (already compressed, or damaged). */
    public Path writeLoose(String hex, byte[] file) {
        return write(gitDir.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex.substring(2)), file);
    }

    /** Appends {@code text} to {@code .git/config}. */
    public void appendConfig(String text) {
        try {
            Files.writeString(gitDir.resolve("config"), text, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** zlib-compresses {@code data} as git does. */
    public static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** ISO-8859-1 bytes of {@code s} (raw bytes in test strings, NUL included). */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code git args} in {@code cwd} deterministically; fails on a non-zero exit. */
    public static String run(Path cwd, byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        var env = pb.environment();
        env.remove("GIT_DIR");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_AUTHOR_NAME", "A U Thor");
        env.put("GIT_AUTHOR_EMAIL", "author@example.com");
        env.put("GIT_COMMITTER_NAME", "C O Mitter");
        env.put("GIT_COMMITTER_EMAIL", "committer@example.com");
        env.put("GIT_AUTHOR_DATE", "1700000000 +0000");
        env.put("GIT_COMMITTER_DATE", "1700000000 +0000");
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (OutputStream o = p.getOutputStream()) {
                if (stdin != null) {
                    o.write(stdin);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " exited " + code + ": "
                        + new String(err.join(), StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
