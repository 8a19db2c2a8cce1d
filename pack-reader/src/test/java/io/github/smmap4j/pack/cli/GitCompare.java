package io.github.smmap4j.pack.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs one command with git and with the CLI, and asserts stdout byte for byte and the exit code. */
final class GitCompare {
    private GitCompare() {
    }

    static CliRunner.Run same(Path cwd, String stdin, String... args) {
        return same(cwd, stdin, Map.of(), args);
    }

    static CliRunner.Run same(Path cwd, String stdin, Map<String, String> env, String... args) {
        byte[] in = stdin == null ? null : stdin.getBytes(StandardCharsets.ISO_8859_1);
        CliRunner.Run git = CliRunner.git(cwd, in, env, args);
        CliRunner.Run ours = CliRunner.ours(cwd, in, env, args);
        CliGoldenTest.assertSame(git, ours, String.join(" ", args) + " in " + cwd + " " + env
                + (stdin == null ? "" : " <<< " + stdin) + "; git's stderr: " + git.err());
        return ours;
    }
}
