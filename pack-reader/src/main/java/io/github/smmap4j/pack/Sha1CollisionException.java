package io.github.smmap4j.pack;

import java.nio.file.Path;

/**
 * An object of a SHA-1 pack is part of a collision attack: its content holds a block of a
 * cryptanalytic SHA-1 collision (SHAttered-style), as git's sha1dc detects it, so another
 * content may have the same id. {@link PackVerifier} throws it (see
 * {@link PackVerifier.CollisionDetection}); git dies with
 * {@code SHA-1 appears to be part of a collision attack: <id>}.
 */
public final class Sha1CollisionException extends CorruptPackException {
    private static final long serialVersionUID = 1L;
    private final transient ObjectId id;

    /** Creates the exception for the object {@code id} of the entry at {@code offset} of {@code pack}. */
    public Sha1CollisionException(Path pack, long offset, ObjectId id) {
        super(pack, offset, "SHA-1 appears to be part of a collision attack: " + id.name());
        this.id = id;
    }

    /** Returns the object's id: the SHA-1 of its header and content, as hashed. */
    public ObjectId id() {
        return id;
    }
}
