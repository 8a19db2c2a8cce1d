package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.List;

/** An abbreviated id that matches more than one object. */
public final class AmbiguousObjectException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String prefix;
    private final transient List<ObjectId> candidates;

    /** Creates an exception for {@code prefix} matching {@code candidates}. */
    public AmbiguousObjectException(String prefix, List<ObjectId> candidates) {
        super("short object ID " + prefix + " is ambiguous (" + candidates.size() + " candidates)");
        this.prefix = prefix;
        this.candidates = List.copyOf(candidates);
    }

    /** Returns the abbreviation. */
    public String prefix() {
        return prefix;
    }

    /** Returns the matching ids, sorted. */
    public List<ObjectId> candidates() {
        return candidates;
    }
}
