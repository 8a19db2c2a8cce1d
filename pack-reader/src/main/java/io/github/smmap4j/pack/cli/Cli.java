package io.github.smmap4j.pack.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What a CLI command runs against: stdin, a buffered stdout (the command decides when to
 * flush), stderr, the working directory and whether stderr is a terminal (for progress).
 */
record Cli(InputStream in, OutputStream out, PrintStream err, Path cwd, boolean progress) {
}
