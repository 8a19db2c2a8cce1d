package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.MultiPackIndexVerifier;
import io.github.smmap4j.pack.ObjectDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code multi-pack-index [--object-dir=<dir>] verify}: runs {@link MultiPackIndexVerifier} on
 * the repository's objects directory (or {@code <dir>}) as git 2.39 runs
 * {@code git multi-pack-index verify}: nothing on stdout, each problem on a line of stderr, exit
 * code 1 if there is any, 0 if the file is valid or absent; 128 ({@code fatal:}) for a file that is
 * not a multi-pack-index at all. The writing subcommands are not implemented: the tool only reads.
 */
final class MultiPackIndexCommand {
    static final String USAGE = """
            usage: smmap4j multi-pack-index [--object-dir=<dir>] verify [--progress]

                --object-dir <dir>    the objects directory whose pack/multi-pack-index to check
                                      (default: the repository's)
                --[no-]progress       accepted for git compatibility; no progress is shown
                -h, --help            show this help

            Checks the multi-pack-index (or git 2.47+'s incremental chain): checksum, packs,
            id order, every object's pack and offset against the packs' own indexes, and that
            every object of the packs it names is in it. Prints problems on stderr; exit 1 if any.

            """ + RepoOptions.HELP;

    private MultiPackIndexCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        String sub = null;
        Path objectDir = null;
        try (RepoOptions repo = new RepoOptions(cli)) {
            while (a.next()) {
                if (a.is("-h", "--help")) {
                    return Main.help(cli, USAGE);
                } else if (a.isValued("--object-dir")) {
                    objectDir = repo.workDir().resolve(a.value());
                } else if (a.is("--progress", "--no-progress")) {
                    // progress is not shown: stderr carries only the problems
                } else if (repo.accept(a)) {
                    // shared option
                } else if (a.isOption()) {
                    throw a.unknown();
                } else if (sub == null) {
                    sub = a.current();
                } else {
                    throw CliException.usage(null, USAGE);
                }
            }
            if (sub == null) {
                throw CliException.usage("error: need a subcommand", USAGE);
            }
            if (List.of("write", "expire", "repack").contains(sub)) {
                throw CliException.fatal("multi-pack-index " + sub + " is not implemented (smmap4j only reads)");
            }
            if (!sub.equals("verify")) {
                throw CliException.usage("error: unknown subcommand: `" + sub + "'", USAGE);
            }
            ObjectDatabase db = repo.open();
            Path dir = objectDir != null ? objectDir : db.objectDirectories().getFirst();
            if (!Files.isDirectory(dir)) {
                throw CliException.fatal("Invalid path '" + dir + "': No such file or directory");
            }
            MultiPackIndexVerifier.Result r = MultiPackIndexVerifier.verify(db, dir);
            cli.out().flush();
            for (String p : r.problems()) {
                cli.err().println(p);
            }
            return r.ok() ? 0 : 1;
        }
    }
}
