package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
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
 * directory in the work tree}); a path is looked up as git's {@code get_tree_entry} does, or
 * with the symlinks on it followed, as {@code cat-file --follow-symlinks} does.
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
        AMBIGUOUS,
        /** Following symlinks: a symlink on the path was followed, then nothing was found. */
        DANGLING_SYMLINK,
        /** Following symlinks: more than 40 symlinks on the path (a loop, most likely). */
        SYMLINK_LOOP,
        /** Following symlinks: a file (after a symlink was followed, or not) is used as a directory. */
        NOT_DIR,
        /**
         * Following symlinks: a symlink leads out of the tree (it is absolute, or goes above the
         * root); {@link Result#symlinkPath()} is the rest of the path from there.
         */
        OUTSIDE_TREE
    }

    /**
     * A result: a status and, when found, the id.
     *
     * @param status      what the name resolved to
     * @param id          the object, when {@code status} is {@link Status#FOUND}; else null
     * @param symlinkPath for {@link Status#OUTSIDE_TREE}, the path outside the tree as git
     *                    prints it (the absolute link, or the rest of the path from a link above
     *                    the root, e.g. {@code ../f}), in bytes; else null
     */
    public record Result(Status status, ObjectId id, byte[] symlinkPath) {
        static final Result MISSING = new Result(Status.MISSING, null);
        static final Result AMBIGUOUS = new Result(Status.AMBIGUOUS, null);

        /** A result without a symlink path. */
        public Result(Status status, ObjectId id) {
            this(status, id, null);
        }

        /** Copies {@code symlinkPath}. */
        public Result {
            symlinkPath = symlinkPath == null ? null : symlinkPath.clone();
        }

        /** Returns a copy of the path outside the tree, or null. */
        @Override
        public byte[] symlinkPath() {
            return symlinkPath == null ? null : symlinkPath.clone();
        }

        /** Equal status, id and symlink path bytes. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && status == r.status && Objects.equals(id, r.id)
                    && Arrays.equals(symlinkPath, r.symlinkPath);
        }

        /** Consistent with {@link #equals}. */
        @Override
        public int hashCode() {
            return (status.hashCode() * 31 + Objects.hashCode(id)) * 31 + Arrays.hashCode(symlinkPath);
        }

        /** Status, id and symlink path as text. */
        @Override
        public String toString() {
            return "Result[status=" + status + ", id=" + id
                    + (symlinkPath == null ? "" : ", symlinkPath=" + new String(symlinkPath, StandardCharsets.UTF_8)) + "]";
        }
    }

    private final ObjectDatabase db;
    private final Refs refs;
    private ReplaceRefs replace = ReplaceRefs.none();
    private String prefix;
    /** Reads the objects on the way (made anew when the replace refs change). */
    private SuffixWalk walk;

    /**
     * Resolves names against {@code db} and its git directory's refs (packed refs read once),
     * reading objects raw, outside any work tree.
     */
    public Revision(ObjectDatabase db) {
        this.db = db;
        this.refs = new Refs(db);
        this.walk = new SuffixWalk(db, replace);
    }

    /** Reads every object on the way as its replacement in {@code replace} (git's default); returns this. */
    public Revision withReplaceRefs(ReplaceRefs replace) {
        this.replace = Objects.requireNonNull(replace, "replace");
        this.walk = new SuffixWalk(db, replace);
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
     * Resolves {@code name} as git's {@code get_oid} does for {@code cat-file}. Any string is
     * accepted: one that no git name can be (it holds a NUL or a lone surrogate, a ref file name
     * the platform cannot encode, a count beyond git's {@code INT_MAX} in {@code ~N}/{@code ^N})
     * resolves to {@link Status#MISSING}, as in git.
     *
     * @throws IllegalArgumentException where git dies on the name itself, with git's message: a
     *         relative path outside the work tree or leaving it, a reflog entry past the log's
     *         start ("log for 'HEAD' only has 2 entries"), an empty reflog
     * @throws CorruptPackException if {@code packed-refs} is malformed where git reads it (git
     *         checks even a full id against the refs, so it fails then too)
     */
    public Result resolve(String name) throws IOException {
        return resolve(name, false);
    }

    /**
     * Resolves {@code name} as {@link #resolve(String)} does; with {@code followSymlinks}, the
     * path of a {@code <tree-ish>:<path>} name is looked up as {@code cat-file --follow-symlinks}
     * looks it up: symlinks inside the tree are followed (relative to their directory, at most
     * 40), and the result may also be {@link Status#DANGLING_SYMLINK},
     * {@link Status#SYMLINK_LOOP}, {@link Status#NOT_DIR} or {@link Status#OUTSIDE_TREE}.
     *
     * @throws IllegalArgumentException as {@link #resolve(String)}
     * @throws CorruptPackException as {@link #resolve(String)}
     */
    public Result resolve(String name, boolean followSymlinks) throws IOException {
        int hex = db.format().hexLength();
        if (name.length() == hex && ObjectId.isHex(name)) {
            dwim(name); // git warns when a ref has the same name: its refs are read, and may fail
            return new Result(Status.FOUND, ObjectId.fromHex(name));
        }
        if (name.length() > 2 && name.startsWith(":/") && name.indexOf('\0') < 0 && isUtf16(name)) {
            ObjectId c = new CommitMessageSearch(walk::read, db.format())
                    .youngest(CommitMessageSearch.everyRefsCommit(refs, id -> walk.peelTo(id, ObjectType.COMMIT)), name.substring(2));
            return c == null ? Result.MISSING : new Result(Status.FOUND, c);
        }
        if (name.startsWith(":") && name.indexOf('\0') < 0 && isUtf16(name)) {
            // :<path>, :<stage>:<path> name index entries (not read here); a relative path is resolved first, as git dies on it
            boolean stage = name.length() >= 3 && name.charAt(2) == ':' && name.charAt(1) >= '0' && name.charAt(1) <= '3';
            TreePath.relative(name.substring(stage ? 3 : 1), prefix);
            return Result.MISSING;
        }
        if (name.isEmpty() || name.indexOf('\0') >= 0 || !isUtf16(name)) {
            return Result.MISSING; // git's names are C strings of bytes: none holds a NUL or half a character
        }
        int colon = colonOutsideBraces(name);
        if (colon > 0 && name.endsWith("}")) {
            // git's get_oid_1 reads the whole name first: "X^{tree}:a}" peels X (what follows "tree}" is ignored)
            Result whole = revisionAndPath(name, null, false);
            if (whole.status == Status.FOUND) {
                return whole;
            }
        }
        return colon > 0 ? revisionAndPath(name.substring(0, colon), name.substring(colon + 1), followSymlinks)
                : revisionAndPath(name, null, followSymlinks);
    }

    /** {@code name} as a revision with its suffixes, then, unless null, {@code path} looked up in it. */
    private Result revisionAndPath(String name, String path, boolean followSymlinks) throws IOException {
        Deque<String> ops = new ArrayDeque<>();
        int end = name.length(); // the suffixes are taken off the end, in time linear in the name
        while (end > 0) {
            if (name.charAt(end - 1) == '}') {
                int open = name.lastIndexOf("^{", end - 2);
                if (open <= 0) {
                    break;
                }
                ops.push(name.substring(open, end));
                end = open;
                continue;
            }
            int i = end;
            while (i > 0 && name.charAt(i - 1) >= '0' && name.charAt(i - 1) <= '9') {
                i--;
            }
            if (i > 1 && (name.charAt(i - 1) == '^' || name.charAt(i - 1) == '~')) {
                ops.push(name.substring(i - 1, end));
                end = i - 1;
                continue;
            }
            break;
        }
        String base = name.substring(0, end);
        Result r = resolveBase(base);
        if (r.status != Status.FOUND) {
            return r;
        }
        ObjectId id = r.id;
        try {
            while (!ops.isEmpty() && id != null) {
                id = walk.apply(id, ops.pop());
            }
            if (id != null && path != null) {
                String p = TreePath.relative(path, prefix);
                if (followSymlinks) {
                    return SymlinkWalk.follow(walk::read, db.format(), id, p.getBytes(StandardCharsets.UTF_8));
                }
                id = TreePath.lookup(walk::read, db.format(), id, p);
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

    /** True if {@code s} has no lone surrogate (so it is text that UTF-8 can encode as it is). */
    private static boolean isUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
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
        ObjectId ref = dwim(base.equals("@") ? "HEAD" : base); // git's interpret_empty_at: a lone @ is HEAD
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
}
