package io.github.smmap4j.pack.cli;

/**
 * Ends a CLI command the way git ends one: a message for stderr (already prefixed, e.g.
 * {@code fatal: }) and an exit code (128 for {@code die}, 129 for usage errors, 1 otherwise).
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** git's {@code die()}: "fatal: ..." and exit 128. */
    static CliException fatal(String message) {
        return new CliException(128, "fatal: " + message);
    }

    /** git's usage error: the message (may be null), then the usage text, exit 129. */
    static CliException usage(String message, String usage) {
        return new CliException(129, (message == null ? "" : message + "\n\n") + usage);
    }
}
