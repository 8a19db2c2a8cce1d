package io.github.smmap4j.pack;

import java.io.IOException;

/**
 * The repository cannot be read as git would refuse to read it: its config is malformed, or its
 * {@code core.repositoryformatversion} or {@code extensions.*} ask for something this library
 * does not understand. The message is git's own ({@code "unknown repository extension found:\n\tfoo"}).
 */
public final class RepositoryFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with git's message. */
    public RepositoryFormatException(String message) {
        super(message);
    }
}
