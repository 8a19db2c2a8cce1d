package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The steps of a {@link Revision}'s suffixes from one object to the next, as git's
 * {@code peel_onion} and {@code get_nth_ancestor} take them: {@code ^{}} and {@code ^{type}}
 * peel tags (and a commit to its tree), {@code ^N} and {@code ~N} follow parents,
 * {@code ^{/regex}} searches the history. Every object on the way is read as its replacement
 * when replace refs are in use, and the last one read is kept: a run of suffixes on one object
 * reads it once. Not thread-safe.
 */
final class SuffixWalk {
    private final ObjectDatabase db;
    private final ReplaceRefs replace;
    private ObjectId lastId;
    private ObjectLoader last;

    /** Reads {@code db}'s objects through {@code replace}. */
    SuffixWalk(ObjectDatabase db, ReplaceRefs replace) {
        this.db = db;
        this.replace = replace;
    }

    /**
     * Reads {@code id} as git would: its replacement, when replace refs are in use. The last
     * object is kept: a run of suffixes on one object reads it once, not once each.
     */
    ObjectLoader read(ObjectId id) throws IOException {
        if (!id.equals(lastId)) {
            last = db.open(replace.resolve(id));
            lastId = id;
        }
        return last;
    }

    /**
     * Returns the object the suffix {@code op} ({@code ^{}}, {@code ^{type}}, {@code ^{object}},
     * {@code ^{/regex}}, {@code ^N}, {@code ~N}) names from {@code id}, or null if it names none.
     */
    ObjectId apply(ObjectId id, String op) throws IOException {
        if (op.startsWith("^{")) {
            String body = op.substring(2); // as git's peel_onion: what follows "type}" is ignored
            if (body.startsWith("}")) {
                return peelTags(id);
            }
            if (body.startsWith("object}")) {
                return db.has(replace.resolve(id)) ? id : null;
            }
            for (ObjectType t : List.of(ObjectType.COMMIT, ObjectType.TREE, ObjectType.BLOB, ObjectType.TAG)) {
                if (body.startsWith(t.typeName() + "}")) {
                    return peelTo(id, t);
                }
            }
            if (body.startsWith("/")) {
                ObjectId c = peelTo(id, ObjectType.COMMIT);
                if (c == null || body.startsWith("/}")) {
                    return c; // git: "^{/}" (whatever follows) is the commit itself, no search
                }
                return new CommitMessageSearch(this::read, db.format()).youngest(List.of(c), body.substring(1, body.length() - 1));
            }
            return null; // unknown types
        }
        long n = count(op);
        if (n < 0) {
            return null; // git: a count above INT_MAX names nothing
        }
        ObjectId c = peelTo(id, ObjectType.COMMIT);
        if (c == null) {
            return null;
        }
        if (op.charAt(0) == '^') {
            return n == 0 ? c : field(c, "parent ", (int) n);
        }
        for (int i = 0; i < n && c != null; i++) {
            c = field(c, "parent ", 1);
        }
        return c;
    }

    /** The N of {@code ^N} / {@code ~N} (1 when absent), or -1 past git's INT_MAX. */
    private static long count(String op) {
        if (op.length() == 1) {
            return 1;
        }
        long n = 0;
        for (int i = 1; i < op.length(); i++) {
            n = n * 10 + (op.charAt(i) - '0');
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    /** Returns what the chain of tags at {@code id} ends at (at most 64 hops), or null. */
    private ObjectId peelTags(ObjectId id) throws IOException {
        ObjectLoader o = read(id);
        for (int hops = 0; o.type() == ObjectType.TAG && hops < 64; hops++) {
            id = field(o, "object ", 1);
            if (id == null) {
                return null;
            }
            o = read(id);
        }
        return id;
    }

    /** Returns the object of type {@code want} that {@code id} peels to (tags, then a commit's tree), or null. */
    ObjectId peelTo(ObjectId id, ObjectType want) throws IOException {
        for (int hops = 0; hops < 64; hops++) {
            ObjectLoader o = read(id);
            if (o.type() == want) {
                return id;
            }
            if (o.type() == ObjectType.TAG) {
                id = field(o, "object ", 1);
            } else if (o.type() == ObjectType.COMMIT && want == ObjectType.TREE) {
                id = field(o, "tree ", 1);
            } else {
                return null;
            }
            if (id == null) {
                return null;
            }
        }
        return null;
    }

    /** The {@code nth} header line starting with {@code key} of the commit or tag {@code id}. */
    private ObjectId field(ObjectId id, String key, int nth) throws IOException {
        return field(read(id), key, nth);
    }

    /** The {@code nth} header line starting with {@code key} of a commit or tag. */
    private ObjectId field(ObjectLoader o, String key, int nth) throws IOException {
        if (o.isLarge()) {
            return null;
        }
        String s = new String(o.bytes(), StandardCharsets.ISO_8859_1);
        int hex = db.format().hexLength();
        int seen = 0;
        for (int p = 0; p < s.length(); ) {
            int nl = s.indexOf('\n', p);
            if (nl < 0 || nl == p) {
                break; // end of the header
            }
            if (s.startsWith(key, p) && nl - p - key.length() == hex && ++seen == nth) {
                return ObjectId.fromHex(s.substring(p + key.length(), nl));
            }
            p = nl + 1;
        }
        return null;
    }
}
