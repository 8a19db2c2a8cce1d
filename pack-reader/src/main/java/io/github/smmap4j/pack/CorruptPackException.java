package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pack, index or loose object is damaged: names the file, the offset and what was wrong. A
 * {@link Sha1CollisionException} is the one kind: an object that is part of a SHA-1 collision attack.
 */
public sealed class CorruptPackException extends IOException permits Sha1CollisionException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;
    private final String what;

    /** Creates an exception for {@code file} at {@code offset} (-1 if no offset applies). */
    public CorruptPackException(Path file, long offset, String what) {
        super(file + (offset >= 0 ? " at offset " + offset : "") + ": " + what);
        this.file = file;
        this.offset = offset;
        this.what = what;
    }

    /** Creates an exception with a cause. */
    public CorruptPackException(Path file, long offset, String what, Throwable cause) {
        this(file, offset, what);
        initCause(cause);
    }

    /** Returns the damaged file. */
    public Path file() {
        return file;
    }

    /** What was wrong, without the file and offset. */
    String what() {
        return what;
    }

    /** Returns the offset of the damage in the file, or -1. */
    public long offset() {
        return offset;
    }
}
