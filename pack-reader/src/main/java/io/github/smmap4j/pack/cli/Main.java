package io.github.smmap4j.pack.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code smmap4j} command-line tool: git's {@code cat-file}, {@code verify-pack} and
 * {@code show-index} with byte-for-byte the same output, and {@code stats}, all read through
 * memory-mapped windows. Run {@code java -jar smmap4j.jar --help}; exit codes are git's (0 success,
 * 1 "no" or failure, 128 fatal, 129 usage, 141 when stdout's reader went away).
 */
public final class Main {
    static final String USAGE = """
            usage: smmap4j [-v | --version] [-h | --help] [--no-replace-objects] <command> [<options>] [<args>]

            Commands (output byte-for-byte as git %s's):
                cat-file      show an object's type, size or content; --batch, --batch-check
                verify-pack   check a pack and its index; -v lists every object
                show-index    list a pack index read from stdin
                multi-pack-index  verify: check the multi-pack-index (or its incremental chain)
                stats         packs, objects per type, bytes and the map manager's statistics
                version       print smmap4j's version and the git version it matches
                help          print this list; 'help <command>' prints a command's options

            Run 'smmap4j <command> --help' for a command's options.

            Options before the command (as git's):
                --no-replace-objects  do not use replacement refs (also GIT_NO_REPLACE_OBJECTS)
            """.formatted(VersionCommand.GIT_VERSION);

    private Main() {
    }

    /** Runs the tool and exits with its exit code. */
    public static void main(String[] args) {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        InputStream in = new FileInputStream(FileDescriptor.in);
        boolean tty = stderrIsTerminal() && System.getenv("SMMAP4J_NO_PROGRESS") == null;
        int code = run(args, new Cli(in, out, err, Path.of("").toAbsolutePath(), tty));
        System.exit(code);
    }

    /** True if stderr is a terminal (git's isatty(2)); read from /proc on Linux, else assumed not. */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * Runs one command; never throws and never prints a stack trace.
     *
     * @return the exit code (0 success, 1 failure/"no", 128 fatal, 129 usage)
     */
    static int run(String[] args, Cli cli) {
        int code;
        try {
            code = dispatch(Arrays.asList(args), cli);
        } catch (CliException e) {
            code = e.exitCode;
            flushQuietly(cli.out());
            cli.err().println(e.getMessage());
        } catch (UncheckedIOException e) {
            code = fatal(cli, e.getCause());
        } catch (IOException e) {
            code = fatal(cli, e);
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            flushQuietly(cli.out());
            cli.err().println("fatal: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            code = 128;
        }
        try {
            cli.out().flush();
        } catch (IOException e) {
            // stdout closed (e.g. piped into head): nothing more to say
            return code == 0 ? 141 : code;
        }
        return code;
    }

    private static int fatal(Cli cli, IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("Broken pipe")) {
            return 141; // the reader went away (e.g. | head): git dies of SIGPIPE, silently
        }
        flushQuietly(cli.out());
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            msg = "cannot open '" + msg + "': No such file or directory";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            msg = "cannot open '" + msg + "': Permission denied";
        }
        cli.err().println("fatal: " + msg);
        return 128;
    }

    private static void flushQuietly(OutputStream out) {
        try {
            out.flush();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static int dispatch(List<String> args, Cli cli) throws IOException {
        while (!args.isEmpty() && args.getFirst().equals("--no-replace-objects")) {
            cli = cli.withEnv(RepoOptions.NO_REPLACE_OBJECTS, "1"); // what git's own option does
            args = args.subList(1, args.size());
        }
        if (args.isEmpty() || args.getFirst().equals("--help") || args.getFirst().equals("-h") || args.getFirst().equals("help")) {
            if (args.size() > 1 && args.getFirst().equals("help")) {
                return dispatch(List.of(args.get(1), "--help"), cli);
            }
            cli.out().write(USAGE.getBytes(StandardCharsets.UTF_8));
            return args.isEmpty() ? 1 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.getFirst()) {
            case "version", "--version", "-v" -> VersionCommand.run(rest, cli);
            case "cat-file" -> CatFileCommand.run(rest, cli);
            case "verify-pack" -> VerifyPackCommand.run(rest, cli);
            case "show-index" -> ShowIndexCommand.run(rest, cli);
            case "multi-pack-index" -> MultiPackIndexCommand.run(rest, cli);
            case "stats", "count-objects" -> StatsCommand.run(rest, cli);
            default -> throw new CliException(1, "smmap4j: '" + args.getFirst() + "' is not a smmap4j command. See 'smmap4j --help'.");
        };
    }

    /** Prints a command's help to stdout (git prints -h usage to stdout and exits 129). */
    static int help(Cli cli, String usage) throws IOException {
        cli.out().write(usage.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /**
     * A command's {@code -h} or {@code --help}: its usage on stdout. git's {@code <command> -h}
     * exits 129 (its {@code --help} opens the manual, exit 0; here it prints the usage).
     */
    static int help(Cli cli, String usage, Args a) throws IOException {
        help(cli, usage);
        return a.current().equals("-h") ? 129 : 0;
    }
}
