package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An object name of hex digits (a full id, or an abbreviation of 4 digits or more) resolved
 * against the packs and loose objects of a database, with one rescan of the packs when an
 * abbreviation matches nothing.
 */
final class Abbreviation {
    private static final int MAX_CANDIDATES = 1000;

    private Abbreviation() {
    }

    /**
     * Returns the one object whose id is or starts with {@code name} (a full id is looked up
     * through a reader of {@code pool}).
     *
     * @throws MissingObjectException if nothing matches
     * @throws AmbiguousObjectException if several objects match
     * @throws IllegalArgumentException if {@code name} is not hex or too short/long
     */
    static ObjectId resolve(Storage storage, ReaderPool pool, String name) throws IOException {
        ObjectFormat format = storage.format();
        if (!ObjectId.isHex(name) || name.length() > format.hexLength()) {
            throw new IllegalArgumentException("not an object id or abbreviation: " + name);
        }
        if (name.length() == format.hexLength()) {
            ObjectId id = ObjectId.fromHex(name);
            if (!pool.with(r -> r.has(id))) {
                throw new MissingObjectException(id);
            }
            return id;
        }
        if (name.length() < 4) {
            throw new IllegalArgumentException("abbreviation " + name + " is shorter than 4 hex digits");
        }
        List<ObjectId> found = candidates(storage, name);
        if (found.isEmpty() && storage.packs().rescanIfChanged()) {
            found = candidates(storage, name);
        }
        if (found.isEmpty()) {
            throw new MissingObjectException(name);
        }
        if (found.size() > 1) {
            throw new AmbiguousObjectException(name, found);
        }
        return found.getFirst();
    }

    private static List<ObjectId> candidates(Storage storage, String prefix) throws IOException {
        List<ObjectId> out = new ArrayList<>();
        storage.packs().resolve(prefix, out, MAX_CANDIDATES);
        storage.loose().resolve(prefix, out, MAX_CANDIDATES);
        return out.stream().distinct().sorted().toList();
    }
}
