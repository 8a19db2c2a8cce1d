package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A repository's replace refs ({@code git replace}): each ref {@code refs/replace/<id>} says
 * "read object {@code <id>} as the object this ref names". The database's own reads are always
 * raw; git's commands (and {@link Revision#withReplaceRefs}) apply these. Immutable once read;
 * thread-safe.
 *
 * <pre>{@code
 * ReplaceRefs replace = db.config().getBoolean("core.useReplaceRefs", true)
 *         ? ReplaceRefs.read(db) : ReplaceRefs.none();
 * ObjectLoader o = db.open(replace.resolve(id));    // what git's cat-file shows for id
 * }</pre>
 */
public final class ReplaceRefs {
    /** git's default ref namespace of replacements ({@code GIT_REPLACE_REF_BASE} overrides it). */
    public static final String DEFAULT_BASE = "refs/replace/";
    /** git follows a replacement of a replacement at most this many times (MAXREPLACEDEPTH). */
    public static final int MAX_DEPTH = 5;

    private static final ReplaceRefs NONE = new ReplaceRefs(Map.of());

    /** Reads the refs, for {@link #lazy}. */
    private interface Loader {
        Map<ObjectId, ObjectId> load() throws IOException;
    }

    private Map<ObjectId, ObjectId> map; // guarded by this until loaded
    private Loader loader;

    private ReplaceRefs(Map<ObjectId, ObjectId> map) {
        this.map = map;
    }

    private ReplaceRefs(Loader loader) {
        this.loader = loader;
    }

    /**
     * Returns the replace refs under {@code base}, read on first use (as git reads them when it
     * first reads an object): a malformed {@code packed-refs} fails that use, not this call.
     */
    public static ReplaceRefs lazy(ObjectDatabase db, String base) {
        Refs refs = new Refs(db);
        return new ReplaceRefs(() -> read(refs, base).map);
    }

    private synchronized Map<ObjectId, ObjectId> map() throws IOException {
        if (map == null) {
            map = loader.load();
            loader = null;
        }
        return map;
    }

    /** Returns the empty set: every object reads as itself ({@code --no-replace-objects}). */
    public static ReplaceRefs none() {
        return NONE;
    }

    /** Reads the replace refs of {@code db}'s repository under {@link #DEFAULT_BASE}. */
    public static ReplaceRefs read(ObjectDatabase db) throws IOException {
        return read(db, DEFAULT_BASE);
    }

    /**
     * Reads the replace refs under {@code base} (loose and packed, as git's
     * {@code for_each_replace_ref}): the object replaced is named by the last component of each
     * ref's name (its first hex-length characters); a name that is no id is skipped, as git
     * skips it with a warning.
     *
     * @throws IOException if two refs replace the same object (git: "duplicate replace ref"), or
     *         {@code packed-refs} is malformed where git reads it ({@link CorruptPackException})
     */
    public static ReplaceRefs read(ObjectDatabase db, String base) throws IOException {
        return read(new Refs(db), base);
    }

    static ReplaceRefs read(Refs refs, String base) throws IOException {
        Map<ObjectId, ObjectId> map = new HashMap<>();
        int hex = refs.format().hexLength();
        refs.forEach(base, (name, id) -> {
            String last = name.substring(name.lastIndexOf('/') + 1);
            if (last.length() < hex || !ObjectId.isHex(last.substring(0, hex))) {
                return; // git: "warning: bad replace ref name"
            }
            if (map.put(ObjectId.fromHex(last.substring(0, hex)), id) != null) {
                throw new IOException("duplicate replace ref: " + name);
            }
        });
        return map.isEmpty() ? NONE : new ReplaceRefs(Map.copyOf(map));
    }

    /** Returns true if no object is replaced. */
    public boolean isEmpty() throws IOException {
        return map().isEmpty();
    }

    /** Returns the replacements: object replaced to the object read instead (one step each). */
    public Map<ObjectId, ObjectId> asMap() throws IOException {
        return map();
    }

    /**
     * Returns the object to read for {@code id}: its replacement, that one's replacement and so
     * on, or {@code id} itself when nothing replaces it.
     *
     * @throws IOException if replacements chain more than {@link #MAX_DEPTH} deep (git:
     *         "replace depth too high for object")
     */
    public ObjectId resolve(ObjectId id) throws IOException {
        if (this == NONE) {
            return id;
        }
        Map<ObjectId, ObjectId> m = map();
        ObjectId cur = id;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            ObjectId next = m.get(cur);
            if (next == null) {
                return cur;
            }
            cur = next;
        }
        throw new IOException("replace depth too high for object " + id.name());
    }
}
