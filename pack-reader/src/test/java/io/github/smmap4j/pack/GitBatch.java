package io.github.smmap4j.pack;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code git cat-file --batch-all-objects --batch} and hands out its objects one by one. */
public final class GitBatch implements AutoCloseable {
    /** One object as git printed it. */
    record Obj(String id, String type, long size, byte[] data) {
    }

    private final Process process;
    private final InputStream in;

    GitBatch(Path gitDir, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + gitDir, "cat-file", "--batch-all-objects", "--batch"));
        cmd.addAll(List.of(extra));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        in = new BufferedInputStream(process.getInputStream(), 1 << 16);
    }

    public static boolean gitAvailable() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Returns every object of {@code gitDir} as git prints it, by id. */
    static Map<String, Obj> all(Path gitDir) throws IOException {
        Map<String, Obj> out = new HashMap<>();
        try (GitBatch git = new GitBatch(gitDir)) {
            for (Obj o; (o = git.next()) != null; ) {
                out.put(o.id(), o);
            }
        }
        return out;
    }

    /** Returns the next object, or null at the end. */
    Obj next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        String[] f = line.toString(StandardCharsets.UTF_8).split(" ");
        long size = Long.parseLong(f[2]);
        byte[] data = in.readNBytes((int) size);
        if (in.read() != '\n') {
            throw new IOException("git batch output out of sync after " + f[0]);
        }
        return new Obj(f[0], f[1], size, data);
    }

    @Override
    public void close() throws IOException {
        in.close();
        process.destroy();
    }
}
