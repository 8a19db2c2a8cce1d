package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's Unix-tool surface in-process: help in git's usage style, {@code --version}, git's exit codes. */
class CliUsageTest {
    private static final List<String> COMMANDS = List.of("cat-file", "verify-pack", "show-index", "stats", "version");
    /** An option line of git's parse-options help: 4 spaces, the option, its help from column 26. */
    private static final Pattern OPTION = Pattern.compile("    -\\S.*");

    @TempDir
    Path tmp;

    private CliRunner.Run ours(String... args) {
        CliRunner.Run r = CliRunner.ours(tmp, null, args);
        CliGoldenTest.assertNoStackTrace(r);
        return r;
    }

    /**
     * Checks {@code help} against the layout of git's {@code -h} output: "usage: P C" then
     * "   or: P C" lines (or deeper-indented continuations), and every option line with its
     * description at column 26, or alone and followed by a line that starts there.
     */
    static void assertGitUsageStyle(String program, String command, String help) {
        List<String> lines = help.lines().toList();
        assertTrue(lines.getFirst().startsWith("usage: " + program + " " + command), lines.getFirst());
        int i = 1;
        for (; i < lines.size() && !lines.get(i).isEmpty(); i++) {
            String l = lines.get(i);
            assertTrue(l.startsWith("   or: " + program + " " + command) || l.startsWith(" ".repeat(8)), "usage line: " + l);
        }
        int options = 0;
        for (; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!OPTION.matcher(l).matches()) {
                continue;
            }
            options++;
            if (l.length() > 26 && l.charAt(25) == ' ' && l.charAt(26) != ' ') {
                // git pads an option of up to 20 characters to column 24, then 2 spaces
                assertTrue(l.substring(0, 26).endsWith("  "), "option and description need 2+ spaces between: " + l);
            } else {
                assertTrue(l.length() >= 26, "a lone option is longer than its column: " + l);
                String next = i + 1 < lines.size() ? lines.get(i + 1) : "";
                assertTrue(next.startsWith(" ".repeat(26)) && next.length() > 26 && next.charAt(26) != ' ',
                        "description of " + l.strip() + " belongs at column 26 of the next line: '" + next + "'");
                i++;
            }
        }
        assertTrue(options > 0, "no option lines in:\n" + help);
    }

    @Test
    void gitsOwnHelpHasTheCheckedStyle() {
        assumeTrue(GitBatch.gitAvailable());
        for (String c : List.of("cat-file", "verify-pack", "show-index")) {
            CliRunner.Run g = CliRunner.git(tmp, null, c, "-h");
            assertEquals(129, g.code());
            assertGitUsageStyle("git", c, g.text());
        }
    }

    @Test
    void everyCommandsHelpIsInGitsUsageStyle() {
        for (String c : COMMANDS) {
            CliRunner.Run help = ours(c, "--help");
            assertEquals(0, help.code(), c);
            assertGitUsageStyle("smmap4j", c, help.text());
            for (List<String> same : List.of(List.of(c, "-h"), List.of("help", c))) {
                CliRunner.Run r = ours(same.toArray(String[]::new));
                // git: `<command> -h` prints the usage and exits 129; `help <command>` exits 0
                assertEquals(same.get(1).equals("-h") ? 129 : 0, r.code(), same.toString());
                assertEquals(help.text(), r.text(), same.toString());
                assertEquals("", r.err(), same.toString());
            }
        }
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        CliRunner.Run help = ours("help");
        assertEquals(0, help.code());
        assertEquals(Main.USAGE, help.text());
        assertEquals(help.text(), ours("--help").text());
        assertEquals(help.text(), ours("-h").text());
        String usage = help.text().lines().findFirst().orElseThrow();
        assertTrue(usage.startsWith("usage: smmap4j ") && usage.contains(" [-v | --version] [-h | --help] ")
                && usage.contains(" <command> "), usage);
        for (String c : COMMANDS) {
            assertTrue(help.text().contains("\n    " + c + " "), c + " missing from:\n" + help.text());
        }
        CliRunner.Run none = ours();
        assertEquals(1, none.code(), "no arguments: usage and status 1, as git");
        assertEquals(Main.USAGE, none.text());
        if (GitBatch.gitAvailable()) {
            assertEquals(CliRunner.git(tmp, null).code(), none.code());
        }
    }

    @Test
    void versionNamesTheProjectAndGitVersions() {
        String version = System.getProperty("smmap4j.version");
        assertNotNull(version, "system property smmap4j.version (set by the POM's surefire configuration)");
        assertEquals(version, VersionCommand.projectVersion(), "version.properties as the build filtered it");
        String expected = "smmap4j version " + version + " (output as git version " + VersionCommand.GIT_VERSION + ")\n";
        for (String arg : List.of("--version", "-v", "version")) {
            CliRunner.Run r = ours(arg);
            assertEquals(0, r.code(), arg);
            assertEquals(expected, r.text(), arg);
        }
        assertEquals(129, ours("version", "--bogus").code());
        assertEquals(129, ours("version", "extra").code());
        assertTrue(Main.USAGE.contains("as git " + VersionCommand.GIT_VERSION + "'s"), Main.USAGE);
    }

    @Test
    void theGitTheTestsCompareWithIsTheVersionClaimed() {
        assumeTrue(GitBatch.gitAvailable());
        String git = CliRunner.git(tmp, null, "--version").text();
        if (!git.startsWith("git version " + VersionCommand.GIT_VERSION + ".")) {
            fail("the golden tests compare with " + git.strip() + ", but --version claims git "
                    + VersionCommand.GIT_VERSION + ": update VersionCommand.GIT_VERSION once they pass");
        }
    }

    /** The exit codes the README documents, each the same as git's for the same situation. */
    @Test
    void exitCodesAreGits() {
        Path repo = Fixtures.repo("history");
        String missing = "0000000000000000000000000000000000000001";
        List<List<String>> cases = List.of(
                List.of("0", "cat-file", "-e", "HEAD"),
                List.of("1", "cat-file", "-e", missing),
                List.of("1", "frobnicate"),
                List.of("128", "cat-file", "-t", "nope"),
                List.of("128", "cat-file", "-p", missing),
                List.of("129", "cat-file", "--bogus"),
                List.of("129", "cat-file", "-p"),
                List.of("129", "verify-pack"));
        for (List<String> c : cases) {
            String[] args = c.subList(1, c.size()).toArray(String[]::new);
            CliRunner.Run r = CliRunner.ours(repo, null, args);
            CliGoldenTest.assertNoStackTrace(r);
            assertEquals(Integer.parseInt(c.getFirst()), r.code(), c + ": " + r.err());
            if (GitBatch.gitAvailable()) {
                assertEquals(CliRunner.git(repo, null, args).code(), r.code(), "git " + c);
            }
        }
    }
}
