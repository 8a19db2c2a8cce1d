package io.github.smmap4j.pack.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the launcher's JDK 25 ahead-of-time cache ({@code -XX:AOTCacheOutput}): in
 * one JVM, every command a user runs most (one-object {@code cat-file}, the ordered and
 * {@code --unordered} batch walks, stdin batches, {@code verify-pack -v}, {@code show-index}) on
 * the repository given, output discarded. The cache then holds those paths' classes, linked code
 * and method profiles (JEP 483/514/515), which shortens start-up and warm-up of each; it never
 * changes a result (a cache that does not match the jar is ignored by the JVM).
 */
final class AotTraining {
    private AotTraining() {
    }

    /** Trains on the repository {@code args[0]} (default: the working directory); exits 0 even if a command fails. */
    public static void main(String[] args) throws IOException {
        train(Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath());
    }

    /** Runs every training command on {@code repo}; returns their exit codes, in order. */
    static List<Integer> train(Path repo) throws IOException {
        String dir = repo.toString();
        List<String[]> commands = new ArrayList<>(List.of(
                new String[] {"cat-file", "-C", dir, "-t", "HEAD"},
                new String[] {"cat-file", "-C", dir, "-s", "HEAD"},
                new String[] {"cat-file", "-C", dir, "-e", "HEAD"},
                new String[] {"cat-file", "-C", dir, "-p", "HEAD"},
                new String[] {"cat-file", "-C", dir, "-p", "HEAD^{tree}"},
                new String[] {"cat-file", "-C", dir, "--batch-all-objects", "--batch"},
                new String[] {"cat-file", "-C", dir, "--batch-all-objects", "--batch-check"},
                new String[] {"cat-file", "-C", dir, "--batch-all-objects", "--unordered", "--batch"},
                new String[] {"cat-file", "-C", dir, "--batch-all-objects", "--unordered", "--batch-check"},
                new String[] {"cat-file", "-C", dir, "--batch-all-objects", "--unordered",
                    "--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)"}));
        List<Path> indexes = indexes(repo);
        for (Path idx : indexes) {
            commands.add(new String[] {"verify-pack", "-v", idx.toString()});
        }
        byte[] names = "HEAD\nHEAD^{tree}\nHEAD~1\nmissing\n".getBytes(StandardCharsets.US_ASCII);
        List<Integer> codes = new ArrayList<>();
        run(commands, null, codes);
        run(List.<String[]>of(new String[] {"cat-file", "-C", dir, "--batch"}, new String[] {"cat-file", "-C", dir, "--batch-check"}),
                names, codes);
        run(List.<String[]>of(new String[] {"cat-file", "-C", dir, "--batch-command", "--buffer"}),
                "info HEAD\ncontents HEAD\nflush\n".getBytes(StandardCharsets.US_ASCII), codes);
        for (Path idx : indexes) {
            run(List.<String[]>of(new String[] {"show-index"}), Files.readAllBytes(idx), codes);
        }
        return codes;
    }

    /** Runs each command with {@code stdin} (none if null), output and errors discarded; adds each exit code to {@code codes}. */
    private static void run(List<String[]> commands, byte[] stdin, List<Integer> codes) {
        PrintStream err = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        for (String[] c : commands) {
            InputStream in = new ByteArrayInputStream(stdin != null ? stdin : new byte[0]);
            codes.add(Main.run(c, new Cli(in, OutputStream.nullOutputStream(), err, Path.of("").toAbsolutePath(), false)));
        }
    }

    /** The repository's pack indexes (its own git directory's), or none. */
    private static List<Path> indexes(Path repo) throws IOException {
        Path packs = Files.isDirectory(repo.resolve(".git")) ? repo.resolve(".git/objects/pack") : repo.resolve("objects/pack");
        if (!Files.isDirectory(packs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(packs)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".idx")).sorted().toList();
        }
    }
}
