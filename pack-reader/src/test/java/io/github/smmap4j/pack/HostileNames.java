package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small bare repository with odd refs and paths, built with git at test time, and the names
 * that probe it: ref files with trailing data, upper-case, leading blanks, no newline, a NUL,
 * bytes that are not UTF-8, 100 KB of padding; symbolic-ref chains and loops; binary files under
 * the git directory used as ref names; paths with doubled, leading and trailing slashes, blanks
 * and non-ASCII bytes; counts past 32 bits; digits and hex letters from outside ASCII. Every name
 * here is one git 2.39 answers (its answer is the oracle); {@link #crashingGit} are names git
 * itself dies on (a stack overflow), which must get a clean answer here.
 */
public final class HostileNames {
    private HostileNames() {
    }

    /** Runs git in {@code dir} and returns its stdout; fails on a non-zero exit. */
    public static byte[] git(Path dir, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().remove("GIT_DIR");
        Process p = pb.start();
        Thread feed = new Thread(() -> {
            try (OutputStream o = p.getOutputStream()) {
                if (stdin != null) {
                    o.write(stdin);
                }
            } catch (IOException ignored) {
                // git stopped reading
            }
        });
        feed.start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        feed.join();
        if (code != 0) {
            throw new IOException("git " + cmd + " exited with " + code);
        }
        return out;
    }

    private static String run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        return new String(git(dir, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), args), StandardCharsets.UTF_8).strip();
    }

    /** Builds the repository in {@code dir} and returns its git directory. */
    public static Path build(Path dir) throws IOException, InterruptedException {
        Path repo = dir.resolve("hostile.git");
        run(dir, null, "init", "-q", "--bare", repo.toString());
        String x = run(repo, "x\n", "hash-object", "-w", "--stdin");
        String y = run(repo, "y\n", "hash-object", "-w", "--stdin");
        String sub = run(repo, "100644 blob " + x + "\tx\0" + "100644 blob " + y + "\ty\0", "mktree", "-z");
        StringBuilder root = new StringBuilder();
        for (String name : List.of("\u00e9", "a b", "dir-x", "dir.y", "\u00e9t\u00e9 \u2603", "tab\tname", "star*", "HEAD", "?")) {
            root.append("100644 blob ").append(x).append('\t').append(name).append('\0');
        }
        root.append("040000 tree ").append(sub).append("\tdir\0");
        String tree = run(repo, root.toString(), "mktree", "-z");
        String c1 = run(repo, "", "-c", "user.name=A", "-c", "user.email=a@b", "commit-tree", tree, "-m", "one");
        String c2 = run(repo, "", "-c", "user.name=A", "-c", "user.email=a@b", "commit-tree", tree, "-p", c1, "-m", "two");
        run(repo, null, "update-ref", "refs/heads/main", c2);
        run(repo, null, "symbolic-ref", "HEAD", "refs/heads/main");
        run(repo, null, "-c", "user.name=A", "-c", "user.email=a@b", "tag", "-a", "-m", "t", "v1", c2);
        run(repo, null, "pack-refs", "--all");
        run(repo, null, "repack", "-adq");
        Path refs = repo.resolve("refs/heads");
        Files.createDirectories(refs);
        Files.writeString(repo.resolve("FETCH_HEAD"), c2 + "\t\tbranch 'main' of /somewhere\n");
        Files.writeString(refs.resolve("upper"), c1.toUpperCase(java.util.Locale.ROOT) + "\n");
        Files.writeString(refs.resolve("lead"), " " + c1 + "\n");
        Files.writeString(refs.resolve("bare"), c1);
        Files.writeString(refs.resolve("nul"), c1 + "\0garbage");
        Files.writeString(refs.resolve("crlf"), c1 + "\r\n");
        Files.writeString(refs.resolve("short"), c1.substring(0, 39) + "\n");
        Files.writeString(refs.resolve("long"), c1 + "0\n");
        Files.writeString(refs.resolve("trailing"), c1 + " and more\n");
        Files.writeString(refs.resolve("big"), c1 + "\n" + " ".repeat(100_000) + "\n");
        Files.writeString(refs.resolve("bigsym"), "ref: refs/heads/main" + " ".repeat(100_000) + "\n");
        Files.writeString(refs.resolve("bigjunk"), "ref: refs/heads/main" + " ".repeat(100_000) + "x\n");
        Files.write(refs.resolve("latin"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});
        Files.write(refs.resolve("latinsym"), new byte[] {'r', 'e', 'f', ':', ' ', (byte) 0xff, '\n'});
        Files.writeString(refs.resolve("tab"), "ref:\trefs/heads/main\n");
        Files.writeString(refs.resolve("nospace"), "ref:refs/heads/main");
        Files.writeString(refs.resolve("symnul"), "ref: refs/heads/main\0junk\n");
        Files.writeString(refs.resolve("s1"), "ref: refs/heads/s2\n");
        Files.writeString(refs.resolve("s2"), "ref: refs/heads/s1\n");
        Files.writeString(refs.resolve("escape"), "ref: ../../../../etc/passwd\n");
        for (int i = 1; i <= 7; i++) {
            Files.writeString(refs.resolve("d" + i), "ref: refs/heads/" + (i == 7 ? "main" : "d" + (i + 1)) + "\n");
        }
        Files.createDirectories(refs.resolve("dirref"));
        return repo;
    }

    /** Names git answers (none holds a NUL or a newline). */
    public static List<String> names(Path repo) throws IOException {
        List<String> out = new ArrayList<>(List.of("HEAD", "main", "v1", "v1^{}", "FETCH_HEAD", "upper", "lead", "bare", "nul", "crlf",
                "short", "long", "trailing", "big", "bigsym", "bigjunk", "latin", "latinsym", "tab", "nospace", "symnul", "s1", "s2",
                "escape", "d1", "d2", "d3", "d4", "d5", "dirref", "refs/heads", "heads/main", "tags/v1", "refs/tags/v1", "packed-refs", "config",
                "objects", "objects/info", "HEAD:\u00e9", "HEAD:\u00e9/", "HEAD:a b", "HEAD:\u00e9t\u00e9 \u2603", "HEAD:tab\tname",
                "HEAD:star*", "HEAD:HEAD", "HEAD:?", "HEAD:dir", "HEAD:dir/", "HEAD:dir/x", "HEAD:dir/x/", "HEAD:dir//x", "HEAD://dir",
                "HEAD:/dir", "HEAD:dir/./x", "HEAD:dir/../dir", "HEAD:dir-x", "HEAD:dir.y", "HEAD:", "HEAD^{tree}:dir", "HEAD~1:dir/y",
                "HEAD~99999999999999999999", "HEAD^4294967296", "HEAD~4294967295", "HEAD~4294967296", "HEAD~2147483648",
                "HEAD^2147483647", "HEAD~0000000000000000001", "HEAD^0", "HEAD^00", "HEAD~", "HEAD^", "HEAD^^^{}", "HEAD~\u0661",
                "HEAD^\u0661", "HEAD^{\u0661}", "\u0660".repeat(40), "\uff21\uff21\uff21\uff21", "\u0660\u0660\u0660\u0660\u0660",
                "\u00e9", "\u00e9t\u00e9", "x".repeat(5000), "HEAD:" + "a/".repeat(2000), "HEAD" + "~1".repeat(3), "main~1^{tree}",
                "refs/heads/main\u00e9", "%s", "refs/%s", "HEAD^{}}", "HEAD^{", "^{}", "~1", "HEAD:dir\\x", "HEAD^{commit}junk}",
                "HEAD^{tree}}", "v1^{tag}x}", "HEAD^{}x}", "HEAD^{commi}", "v1^{object}", "HEAD^{object}}", "a^{}"));
        try (Stream<Path> s = Files.list(repo.resolve("objects/pack"))) {
            for (Path p : s.sorted().toList()) {
                out.add("objects/pack/" + p.getFileName()); // binary files as ref names
            }
        }
        return out;
    }

    /** Names git 2.39 dies on (a stack overflow in its recursive suffix parser): 300,000 suffixes. */
    public static List<String> crashingGit() {
        return List.of("HEAD" + "^{}".repeat(300_000), "HEAD" + "^0".repeat(300_000), "HEAD" + "~0".repeat(300_000),
                "v1" + "^{commit}".repeat(100_000) + ":dir");
    }
}
