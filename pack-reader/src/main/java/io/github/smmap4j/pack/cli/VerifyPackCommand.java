package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.ObjectFormat;
import io.github.smmap4j.pack.PackVerifier;
import io.github.smmap4j.pack.Sha1CollisionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verify-pack [-v] [-s] <pack>.idx|.pack...}: runs {@link PackVerifier} (on one worker thread per
 * available processor) and prints what
 * git 2.39 prints: with {@code -v} every entry in offset order
 * ({@code <id> <type> <size> <size-in-pack> <offset> [<depth> <base>]}), the
 * {@code non delta:} and {@code chain length = N:} lines and {@code <pack>.pack: ok};
 * with {@code -s} only the histogram. A bad pack prints {@code <pack>.pack: bad} (with -v/-s),
 * the reason on stderr, and the exit code is 1. SHA-1 collision detection is on, as in git (which
 * has no option to turn it off): an object of a collision attack is git's
 * {@code fatal: SHA-1 appears to be part of a collision attack: <id>}.
 */
final class VerifyPackCommand {
    static final String USAGE = """
            usage: smmap4j verify-pack [-v | --verbose] [-s | --stat-only] [--object-format=<hash>] [--] <pack>.idx...

                -v, --verbose         list every object, the delta chain histogram and "ok"
                -s, --stat-only       show the delta chain histogram only
                --object-format <h>   sha1 or sha256 (default: the pack's repository's format)
                -h, --help            show this help

            Checks the pack and index trailers, every entry's CRC32 (index v2) and every object's id.

            """ + RepoOptions.HELP;

    private VerifyPackCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        boolean verbose = false;
        boolean statOnly = false;
        ObjectFormat format = null;
        List<String> packs = new ArrayList<>();
        try (RepoOptions repo = new RepoOptions(cli.cwd())) {
            while (a.next()) {
                if (a.is("-h", "--help")) {
                    return Main.help(cli, USAGE, a);
                } else if (a.is("-v", "--verbose")) {
                    verbose = true;
                } else if (a.is("-s", "--stat-only")) {
                    statOnly = true;
                } else if (a.is("-vs", "-sv")) {
                    verbose = true;
                    statOnly = true;
                } else if (a.isValued("--object-format")) {
                    String f = a.value();
                    try {
                        format = ObjectFormat.fromConfig(f);
                    } catch (IllegalArgumentException e) {
                        throw CliException.fatal("unknown hash algorithm '" + f + "'");
                    }
                } else if (repo.accept(a)) {
                    // shared option
                } else if (a.isOption()) {
                    throw a.unknown();
                } else {
                    packs.add(a.current());
                }
            }
            if (packs.isEmpty()) {
                throw CliException.usage(null, USAGE);
            }
            int err = 0;
            for (String p : packs) {
                if (!verifyOne(p, verbose, statOnly, format, repo, cli)) {
                    err = 1;
                }
            }
            return err;
        }
    }

    private static boolean verifyOne(String arg, boolean verbose, boolean statOnly, ObjectFormat forced,
                                     RepoOptions repo, Cli cli) throws IOException {
        String name = arg.endsWith(".idx") ? arg.substring(0, arg.length() - 4) + ".pack"
                : arg.endsWith(".pack") ? arg : arg + ".pack";
        Path path = repo.workDir().resolve(name);
        OutputStream out = cli.out();
        ObjectFormat format = forced != null ? forced : formatOf(path, repo);
        Progress progress = Progress.start(cli, "Verifying objects", 0);
        try {
            PackVerifier.Result r = PackVerifier.verify(repo.manager(), path, format,
                    Runtime.getRuntime().availableProcessors(), verbose && !statOnly ? e -> line(out, e) : null,
                    cli.progress() ? (done, total) -> progressLine(cli, done, total) : null);
            if (cli.progress()) {
                cli.err().print("\r\033[K");
            }
            progress.done();
            if (verbose || statOnly) {
                histogram(out, r);
            }
            if (verbose && !statOnly) {
                out.write((name + ": ok\n").getBytes(StandardCharsets.UTF_8));
            }
            return true;
        } catch (IOException | RuntimeException e) {
            out.flush();
            if (cli.progress()) {
                cli.err().print("\r\033[K");
            }
            cli.err().println("fatal: " + fatalMessage(e, name));
            if (verbose || statOnly) {
                out.write((name + ": bad\n").getBytes(StandardCharsets.UTF_8));
            }
            return false;
        }
    }

    /** What follows {@code fatal: } for the failure {@code e} of pack {@code name}: git's words for a missing pack and a collision attack. */
    static String fatalMessage(Exception e, String name) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "Cannot open existing pack file '" + name + "' (" + e.getMessage() + ": No such file or directory)";
        }
        if (e instanceof Sha1CollisionException c) {
            return "SHA-1 appears to be part of a collision attack: " + c.id().name(); // git's sha1dc_git.c
        }
        return e.getMessage();
    }

    private static void progressLine(Cli cli, long done, long total) {
        cli.err().print("\rVerifying objects: " + (total == 0 ? 100 : done * 100 / total) + "% (" + done + "/" + total + ")");
        cli.err().flush();
    }

    /** The format of the repository the pack lives in ({@code <git-dir>/objects/pack/x.pack}), else the current one's, else SHA-1. */
    private static ObjectFormat formatOf(Path pack, RepoOptions repo) throws IOException {
        Path abs = pack.toAbsolutePath().normalize();
        Path packDir = abs.getParent();
        if (packDir != null && packDir.getFileName() != null && packDir.getFileName().toString().equals("pack")) {
            Path objects = packDir.getParent();
            if (objects != null && objects.getParent() != null && Files.isRegularFile(objects.getParent().resolve("config"))) {
                return ObjectFormat.of(objects.getParent());
            }
        }
        ObjectFormat f = repo.formatOrNull();
        return f != null ? f : ObjectFormat.SHA1;
    }

    private static void line(OutputStream out, PackVerifier.Entry e) throws IOException {
        StringBuilder sb = new StringBuilder(128);
        String t = e.type().typeName();
        sb.append(e.id().name()).append(' ').append(t);
        for (int i = t.length(); i < 6; i++) {
            sb.append(' ');
        }
        sb.append(' ').append(e.size()).append(' ').append(e.sizeInPack()).append(' ').append(e.offset());
        if (e.base() != null) {
            sb.append(' ').append(e.depth()).append(' ').append(e.base().name());
        }
        sb.append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static void histogram(OutputStream out, PackVerifier.Result r) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (r.nonDelta() > 0) {
            sb.append("non delta: ").append(r.nonDelta()).append(r.nonDelta() == 1 ? " object\n" : " objects\n");
        }
        long[] h = r.chainLengths();
        for (int i = 0; i < h.length; i++) {
            if (h[i] != 0) {
                sb.append("chain length = ").append(i + 1).append(": ").append(h[i]).append(h[i] == 1 ? " object\n" : " objects\n");
            }
        }
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
