package io.github.smmap4j.pack;

import java.io.IOException;

/** An object that is not in the database. */
public final class MissingObjectException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ObjectId id;

    /** Creates an exception for {@code id}. */
    public MissingObjectException(ObjectId id) {
        super("missing object " + id.name());
        this.id = id;
    }

    /** Creates an exception for a name that resolves to nothing. */
    public MissingObjectException(String name) {
        super("missing object " + name);
        this.id = null;
    }

    /** Returns the missing id, or null when a name did not resolve. */
    public ObjectId id() {
        return id;
    }
}
