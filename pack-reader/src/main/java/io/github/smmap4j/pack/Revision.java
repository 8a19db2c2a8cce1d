package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Resolves the object names {@code cat-file} accepts, a subset of git's revision syntax: a full
 * id, a ref (DWIM as git: {@code X}, {@code refs/X}, {@code refs/tags/X}, {@code refs/heads/X},
 * {@code refs/remotes/X}, {@code refs/remotes/X/HEAD}; loose, symbolic and packed refs), a
 * reflog entry ({@code HEAD@{0}}, {@code main@{2}}, {@code @{1}} for the current branch, or
 * {@code @{<seconds since the epoch>}}), a unique abbreviation (4 or more hex digits), then the
 * suffixes {@code ^{}}, {@code ^{type}}, {@code ^N}, {@code ~N} and {@code :path} (also
 * {@code :./path} and {@code :../path}, relative to {@link #withWorkTreePrefix the current
 * directory in the work tree}).
 *
 * <p>Objects are read raw unless {@link #withReplaceRefs replace refs} are given: then, as in
 * git, every object read on the way ({@code ~N}, {@code ^{type}}, {@code :path}) is read as its
 * replacement, while the id a name resolves to is the one named (apply
 * {@link ReplaceRefs#resolve} to read it as git would). Not thread-safe (refs are read once).
 */
public final class Revision {
    /** What a name resolved to. */
    public enum Status {
        /** The name names an object; {@link Result#id()} is it. */
        FOUND,
        /** Nothing matches the name (or a step of it, such as a path, found nothing). */
        MISSING,
        /** The name is an abbreviation that several objects share. */
        AMBIGUOUS
    }

    /**
     * A result: a status and, when found, the id.
     *
     * @param status what the name resolved to
     * @param id     the object, when {@code status} is {@link Status#FOUND}; else null
     */
    public record Result(Status status, ObjectId id) {
        static final Result MISSING = new Result(Status.MISSING, null);
        static final Result AMBIGUOUS = new Result(Status.AMBIGUOUS, null);
    }

    private final ObjectDatabase db;
    private final Refs refs;
    private ReplaceRefs replace = ReplaceRefs.none();
    private String prefix;

    /**
     * Resolves names against {@code db} and its git directory's refs (packed refs read once),
     * reading objects raw, outside any work tree.
     */
    public Revision(ObjectDatabase db) {
        this.db = db;
        this.refs = new Refs(db.gitDir(), db.format());
    }

    /** Reads every object on the way as its replacement in {@code replace} (git's default); returns this. */
    public Revision withReplaceRefs(ReplaceRefs replace) {
        this.replace = Objects.requireNonNull(replace, "replace");
        return this;
    }

    /** Returns the replace refs in use ({@link ReplaceRefs#none()} unless set). */
    public ReplaceRefs replaceRefs() {
        return replace;
    }

    /**
     * Sets where names are resolved from: {@code prefix} is the current directory relative to
     * the top of the work tree ({@code ""} at the top, else ending in {@code /}, e.g.
     * {@code "src/"}), against which {@code <rev>:./path} and {@code <rev>:../path} are taken;
     * null (the default) means not inside a work tree, where git refuses such paths. Returns this.
     */
    public Revision withWorkTreePrefix(String prefix) {
        if (prefix != null && !prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a work tree prefix is empty or ends with '/': " + prefix);
        }
        this.prefix = prefix;
        return this;
    }

    /**
     * Resolves {@code name} as git's {@code get_oid} does for {@code cat-file}.
     *
     * @throws IllegalArgumentException where git dies on the name itself, with git's message: a
     *         relative path outside the work tree or leaving it, a reflog entry past the log's
     *         start ("log for 'HEAD' only has 2 entries"), an empty reflog
     * @throws CorruptPackException if {@code packed-refs} is malformed where git reads it (git
     *         checks even a full id against the refs, so it fails then too)
     */
    public Result resolve(String name) throws IOException {
        int hex = db.format().hexLength();
        if (name.length() == hex && ObjectId.isHex(name)) {
            dwim(name); // git warns when a ref has the same name: its refs are read, and may fail
            return new Result(Status.FOUND, ObjectId.fromHex(name));
        }
        if (name.isEmpty() || name.startsWith(":")) {
            return Result.MISSING;
        }
        String path = null;
        int colon = colonOutsideBraces(name);
        if (colon > 0) {
            path = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        Deque<String> ops = new ArrayDeque<>();
        String base = name;
        while (true) {
            if (base.endsWith("}")) {
                int open = base.lastIndexOf("^{");
                if (open <= 0) {
                    break;
                }
                ops.push(base.substring(open));
                base = base.substring(0, open);
                continue;
            }
            int i = base.length();
            while (i > 0 && Character.isDigit(base.charAt(i - 1))) {
                i--;
            }
            if (i > 1 && (base.charAt(i - 1) == '^' || base.charAt(i - 1) == '~')) {
                ops.push(base.substring(i - 1));
                base = base.substring(0, i - 1);
                continue;
            }
            break;
        }
        Result r = resolveBase(base);
        if (r.status != Status.FOUND) {
            return r;
        }
        ObjectId id = r.id;
        try {
            while (!ops.isEmpty() && id != null) {
                id = apply(id, ops.pop());
            }
            if (id != null && path != null) {
                id = TreePath.lookup(this::read, db.format(), id, TreePath.relative(path, prefix));
            }
        } catch (MissingObjectException e) {
            return Result.MISSING;
        } catch (CorruptPackException e) {
            if (e.file() != null && e.file().endsWith("packed-refs")) {
                throw e; // read for the replace refs: git dies there
            }
            return Result.MISSING; // as in git, an object on the way that cannot be read names nothing
        }
        return id == null ? Result.MISSING : new Result(Status.FOUND, id);
    }

    /** The first ':' not inside braces ({@code HEAD@{...}}, {@code ^{...}}), as git splits {@code <rev>:<path>}. */
    private static int colonOutsideBraces(String name) {
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '{') {
                depth++;
            } else if (depth > 0 && c == '}') {
                depth--;
            } else if (depth == 0 && c == ':') {
                return i;
            }
        }
        return -1;
    }

    /** Reads {@code id} as git would: its replacement, when replace refs are in use. */
    private ObjectLoader read(ObjectId id) throws IOException {
        return db.open(replace.resolve(id));
    }

    private Result resolveBase(String base) throws IOException {
        int hex = db.format().hexLength();
        if (base.length() == hex && ObjectId.isHex(base)) {
            dwim(base);
            return new Result(Status.FOUND, ObjectId.fromHex(base));
        }
        int at = base.endsWith("}") ? base.lastIndexOf("@{", base.length() - 4) : -1;
        if (at >= 0) {
            ObjectId logged = RefNames.resolve(refs, base.substring(0, at), base.substring(at + 2, base.length() - 1));
            return logged == null ? Result.MISSING : new Result(Status.FOUND, logged);
        }
        ObjectId ref = dwim(base);
        if (ref != null) {
            return new Result(Status.FOUND, ref);
        }
        if (base.length() >= 4 && base.length() < hex && ObjectId.isHex(base)) {
            try {
                return new Result(Status.FOUND, db.resolve(base));
            } catch (AmbiguousObjectException e) {
                return Result.AMBIGUOUS;
            } catch (MissingObjectException e) {
                return Result.MISSING;
            }
        }
        return Result.MISSING;
    }

    /** The ref {@code name} names under git's DWIM rules, or null. */
    private ObjectId dwim(String name) throws IOException {
        Refs.Resolved r = RefNames.dwim(refs, name);
        return r == null ? null : r.id();
    }

    private ObjectId apply(ObjectId id, String op) throws IOException {
        if (op.startsWith("^{")) {
            String want = op.substring(2, op.length() - 1);
            if (want.isEmpty()) {
                return peelTags(id);
            }
            if (want.equals("object")) {
                return db.has(replace.resolve(id)) ? id : null;
            }
            ObjectType t = ObjectType.fromName(want);
            return t == null ? null : peelTo(id, t);
        }
        long n = op.length() == 1 ? 1 : op.length() > 11 ? Long.MAX_VALUE : Long.parseLong(op.substring(1));
        if (n > Integer.MAX_VALUE) {
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

    private ObjectId peelTo(ObjectId id, ObjectType want) throws IOException {
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
