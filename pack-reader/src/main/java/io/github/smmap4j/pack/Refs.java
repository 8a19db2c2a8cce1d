package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A repository's refs as git's files backend reads them: a loose file under the git directory
 * ({@code <id>} or {@code ref: <name>}), else a line of {@code packed-refs} (read once, on first
 * need, as git does: see {@link PackedRefs}); symbolic refs followed at most
 * {@link #MAX_SYMREF_DEPTH} deep. Names git would not accept are never looked up, so no name
 * reaches outside the git directory. Single-thread.
 */
final class Refs {
    /** git's SYMREF_MAXDEPTH. */
    static final int MAX_SYMREF_DEPTH = 5;
    /** Loose ref directories nest at most this deep here (a guard against cycles through links). */
    private static final int MAX_DIR_DEPTH = 64;

    /** A resolved ref: its final name (after symbolic refs) and id. */
    record Resolved(String name, ObjectId id) {
    }

    private final Path gitDir;
    private final ObjectFormat format;
    private PackedRefs packed;

    Refs(Path gitDir, ObjectFormat format) {
        this.gitDir = gitDir;
        this.format = format;
    }

    Path gitDir() {
        return gitDir;
    }

    ObjectFormat format() {
        return format;
    }

    /** The packed refs, read on first use. */
    private PackedRefs packed() throws IOException {
        if (packed == null) {
            packed = PackedRefs.read(gitDir.resolve("packed-refs"), format);
        }
        return packed;
    }

    /**
     * Resolves {@code name} (a full ref name such as {@code HEAD} or {@code refs/heads/main}),
     * following symbolic refs; null if it does not exist, is broken or is not a valid name.
     */
    Resolved resolve(String name) throws IOException {
        String cur = name;
        for (int depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
            if (!isValidName(cur)) {
                return null;
            }
            Path f = gitDir.resolve(cur);
            if (Files.isRegularFile(f)) {
                String s = Files.readString(f, StandardCharsets.ISO_8859_1).stripTrailing();
                if (s.startsWith("ref:")) {
                    cur = s.substring(4).stripLeading();
                    continue;
                }
                ObjectId id = parseId(s);
                return id == null ? null : new Resolved(cur, id);
            }
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(f)) {
                return null; // unreadable as a ref (a dangling link, a special file)
            }
            ObjectId id = packed().lookup(cur);
            return id == null ? null : new Resolved(cur, id);
        }
        return null;
    }

    /** A loose ref's id: the first hex-length characters, then the end or a blank (git's parse_loose_ref_contents). */
    private ObjectId parseId(String s) {
        int hex = format.hexLength();
        if (s.length() < hex || !ObjectId.isHex(s.substring(0, hex))
                || (s.length() > hex && !Character.isWhitespace(s.charAt(hex)))) {
            return null;
        }
        return ObjectId.fromHex(s.substring(0, hex));
    }

    /** Calls {@code visitor} for every ref under {@code prefix} (loose ones win over packed), in name order. */
    void forEach(String prefix, PackedRefs.Visitor visitor) throws IOException {
        TreeMap<String, ObjectId> all = new TreeMap<>();
        List<String> broken = new ArrayList<>();
        packed().forEach(prefix, (name, id) -> {
            if (id == null) {
                broken.add(name);
            } else {
                all.put(name, id);
            }
        });
        int slash = prefix.lastIndexOf('/');
        String dir = slash < 0 ? "" : prefix.substring(0, slash + 1);
        if (!dir.isEmpty() && isValidName(dir.substring(0, dir.length() - 1))) {
            loose(dir, gitDir.resolve(dir), prefix, all, 0);
        }
        broken.forEach(all::remove);
        for (var e : all.entrySet()) {
            visitor.visit(e.getKey(), e.getValue());
        }
    }

    private void loose(String name, Path dir, String prefix, TreeMap<String, ObjectId> out, int depth) throws IOException {
        if (depth > MAX_DIR_DEPTH || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String n = f.getFileName().toString();
                if (n.startsWith(".") || n.endsWith(".lock")) {
                    continue; // as git's loose_fill_ref_dir
                }
                String full = name + n;
                if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) { // git does not follow linked directories
                    loose(full + "/", f, prefix, out, depth + 1);
                } else if (full.startsWith(prefix)) {
                    Resolved r = isValidName(full) ? resolve(full) : null;
                    if (r == null) {
                        out.remove(full); // a broken loose ref hides its packed copy
                    } else {
                        out.put(full, r.id());
                    }
                }
            }
        }
    }

    /** Reads {@code logs/<name>}: its well-formed entries, oldest first (see {@link Reflog}). */
    Reflog reflog(String name) throws IOException {
        if (!isValidName(name)) {
            return null;
        }
        Path f = gitDir.resolve("logs").resolve(name);
        return Files.isRegularFile(f) ? Reflog.parse(Files.readAllBytes(f), format) : null;
    }

    /**
     * git's check_refname_format with one-level names allowed: no component that is empty,
     * starts with '.' or ends with ".lock", no "..", "@{", control characters, space, and none
     * of {@code ~ ^ : ? * [ \}, not "@" alone, no trailing '.' or '/'.
     */
    static boolean isValidName(String name) {
        if (name.isEmpty() || name.equals("@") || name.endsWith(".") || name.contains("..") || name.contains("@{")) {
            return false;
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.startsWith(".") || part.endsWith(".lock")) {
                return false;
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
