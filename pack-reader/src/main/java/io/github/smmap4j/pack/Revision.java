package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves the object names {@code cat-file} accepts, a subset of git's revision syntax: a full
 * id, a ref (DWIM as git: {@code X}, {@code refs/X}, {@code refs/tags/X}, {@code refs/heads/X},
 * {@code refs/remotes/X}, {@code refs/remotes/X/HEAD}; loose, symbolic and packed refs), a
 * unique abbreviation (4 or more hex digits), then the suffixes {@code ^{}}, {@code ^{type}},
 * {@code ^N}, {@code ~N} and {@code :path}.
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

    private static final String[] RULES = {"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"};

    private final ObjectDatabase db;
    private Map<String, ObjectId> packed;

    /** Resolves names against {@code db} and its git directory's refs (packed refs read once). */
    public Revision(ObjectDatabase db) {
        this.db = db;
    }

    /**
     * Resolves {@code name} as git's {@code get_oid} does for {@code cat-file}. Raw object
     * reads are used throughout (replace refs are not applied).
     */
    public Result resolve(String name) throws IOException {
        int hex = db.format().hexLength();
        if (name.length() == hex && ObjectId.isHex(name)) {
            return new Result(Status.FOUND, ObjectId.fromHex(name));
        }
        if (name.isEmpty() || name.startsWith(":")) {
            return Result.MISSING;
        }
        String path = null;
        int colon = name.indexOf(':');
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
                id = lookupPath(id, path);
            }
        } catch (MissingObjectException e) {
            return Result.MISSING;
        }
        return id == null ? Result.MISSING : new Result(Status.FOUND, id);
    }

    private Result resolveBase(String base) throws IOException {
        ObjectId ref = dwim(base);
        if (ref != null) {
            return new Result(Status.FOUND, ref);
        }
        int hex = db.format().hexLength();
        if (base.length() == hex && ObjectId.isHex(base)) {
            return new Result(Status.FOUND, ObjectId.fromHex(base));
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

    private ObjectId dwim(String name) throws IOException {
        if (name.contains("..") || name.contains("//") || name.startsWith("/") || name.endsWith("/") || name.contains("\\")) {
            return null;
        }
        for (String rule : RULES) {
            ObjectId id = readRef(rule.replace("%s", name), 0);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private ObjectId readRef(String ref, int depth) throws IOException {
        if (depth > 5) {
            return null;
        }
        Path gitDir = db.gitDir();
        Path f = gitDir.resolve(ref);
        if (Files.isRegularFile(f) && f.normalize().startsWith(gitDir.normalize())) {
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            if (s.startsWith("ref:")) {
                return readRef(s.substring(4).strip(), depth + 1);
            }
            if (s.length() == db.format().hexLength() && ObjectId.isHex(s)) {
                return ObjectId.fromHex(s);
            }
            return null;
        }
        if (!ref.startsWith("refs/")) {
            return null;
        }
        return packedRefs().get(ref);
    }

    private Map<String, ObjectId> packedRefs() throws IOException {
        if (packed == null) {
            packed = new HashMap<>();
            Path f = db.gitDir().resolve("packed-refs");
            if (Files.isRegularFile(f)) {
                int hex = db.format().hexLength();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.length() > hex + 1 && line.charAt(hex) == ' ' && ObjectId.isHex(line.substring(0, hex))) {
                        packed.put(line.substring(hex + 1).strip(), ObjectId.fromHex(line.substring(0, hex)));
                    }
                }
            }
        }
        return packed;
    }

    private ObjectId apply(ObjectId id, String op) throws IOException {
        if (op.startsWith("^{")) {
            String want = op.substring(2, op.length() - 1);
            if (want.isEmpty()) {
                return peelTags(id);
            }
            if (want.equals("object")) {
                return db.has(id) ? id : null;
            }
            ObjectType t = ObjectType.fromName(want);
            return t == null ? null : peelTo(id, t);
        }
        int n = op.length() > 1 ? Integer.parseInt(op.substring(1)) : 1;
        ObjectId c = peelTo(id, ObjectType.COMMIT);
        if (c == null) {
            return null;
        }
        if (op.charAt(0) == '^') {
            return n == 0 ? c : field(c, "parent ", n);
        }
        for (int i = 0; i < n && c != null; i++) {
            c = field(c, "parent ", 1);
        }
        return c;
    }

    private ObjectId peelTags(ObjectId id) throws IOException {
        ObjectLoader o = db.open(id);
        for (int hops = 0; o.type() == ObjectType.TAG && hops < 64; hops++) {
            id = field(o, "object ", 1);
            if (id == null) {
                return null;
            }
            o = db.open(id);
        }
        return id;
    }

    private ObjectId peelTo(ObjectId id, ObjectType want) throws IOException {
        for (int hops = 0; hops < 64; hops++) {
            ObjectLoader o = db.open(id);
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
        return field(db.open(id), key, nth);
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

    private ObjectId lookupPath(ObjectId id, String path) throws IOException {
        ObjectId tree = peelTo(id, ObjectType.TREE);
        if (path.isEmpty()) {
            return tree;
        }
        ObjectId cur = tree;
        int h = db.format().length();
        for (String part : path.split("/")) {
            if (part.isEmpty() || cur == null) {
                continue;
            }
            ObjectLoader o = db.open(cur);
            if (o.type() != ObjectType.TREE) {
                return null;
            }
            byte[] t = o.bytes();
            byte[] want = part.getBytes(StandardCharsets.UTF_8);
            ObjectId found = null;
            for (int p = 0; p < t.length; ) {
                int sp = p;
                while (sp < t.length && t[sp] != ' ') {
                    sp++;
                }
                int nul = sp + 1;
                while (nul < t.length && t[nul] != 0) {
                    nul++;
                }
                if (nul + 1 + h > t.length) {
                    break;
                }
                if (java.util.Arrays.equals(t, sp + 1, nul, want, 0, want.length)) {
                    found = ObjectId.fromRaw(t, nul + 1, h);
                    break;
                }
                p = nul + 1 + h;
            }
            cur = found;
        }
        return cur;
    }
}
