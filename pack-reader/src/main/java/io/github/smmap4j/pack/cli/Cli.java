package io.github.smmap4j.pack.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a CLI command runs against: stdin, a buffered stdout (the command decides when to
 * flush), stderr, the working directory, whether stderr is a terminal (for progress) and the
 * environment (git's variables such as {@code GIT_NO_REPLACE_OBJECTS}).
 */
record Cli(InputStream in, OutputStream out, PrintStream err, Path cwd, boolean progress, Map<String, String> env) {
    /** A CLI with the process's environment. */
    Cli(InputStream in, OutputStream out, PrintStream err, Path cwd, boolean progress) {
        this(in, out, err, cwd, progress, System.getenv());
    }

    /** Returns this CLI with {@code name=value} added to its environment. */
    Cli withEnv(String name, String value) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put(name, value);
        return new Cli(in, out, err, cwd, progress, Map.copyOf(e));
    }
}
