package io.github.smmap4j.pack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * {@code version} (also {@code --version} and {@code -v}, as git takes them): one line in git's
 * form with the project version, read from the {@code version.properties} resource the build
 * fills in, and the git version whose output the commands match.
 */
final class VersionCommand {
    /** The git release whose output the commands reproduce byte for byte. */
    static final String GIT_VERSION = "2.39";
    static final String USAGE = """
            usage: smmap4j version

                -h, --help            show this help

            Prints smmap4j's version and the git version whose output it matches; so do
            'smmap4j --version' and 'smmap4j -v'.
            """;

    private VersionCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        while (a.next()) {
            if (a.is("-h", "--help")) {
                return Main.help(cli, USAGE, a);
            } else if (a.isOption()) {
                throw a.unknown();
            } else {
                throw CliException.usage(null, USAGE);
            }
        }
        String line = "smmap4j version " + projectVersion() + " (output as git version " + GIT_VERSION + ")\n";
        cli.out().write(line.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /** The version the build wrote into {@code version.properties}, or "unknown" (unfiltered classes). */
    static String projectVersion() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
