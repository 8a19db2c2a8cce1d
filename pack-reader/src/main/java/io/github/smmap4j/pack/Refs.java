package io.github.smmap4j.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A repository's refs as git's files backend reads them: a loose file under the git directory
 * ({@code <id>} or {@code ref: <name>}), else a line of {@code packed-refs} (read once, on first
 * need, as git does: see {@link PackedRefs}); symbolic refs followed at most
 * {@link #MAX_SYMREF_DEPTH} refs per name. Names git would not accept are never looked up, so no name
 * reaches outside the git directory; bytes that are not UTF-8 are never an error; at most
 * {@value #MAX_REF_FILE} bytes of a loose ref file are held. Single-thread.
 */
final class Refs {
    /** git's SYMREF_MAXDEPTH: how many refs are read for one name, symbolic ones followed. */
    static final int MAX_SYMREF_DEPTH = 5;
    /** The largest part of a loose ref file read: a ref is an id or {@code ref: <name>}, far below this. */
    static final int MAX_REF_FILE = 1 << 16;
    /** Loose ref directories nest at most this deep here (a guard against cycles through links). */
    private static final int MAX_DIR_DEPTH = 64;

    /** A resolved ref: its final name (after symbolic refs) and id. */
    record Resolved(String name, ObjectId id) {
    }

    private final Path gitDir;
    private final ObjectFormat format;
    /** The largest packed-refs or reflog read (the database's {@code maxMetadataFileSize}). */
    private final long maxFile;
    private PackedRefs packed;

    Refs(Path gitDir, ObjectFormat format) {
        this(gitDir, format, DatabaseOptions.DEFAULT_MAX_METADATA_FILE);
    }

    /** The refs of {@code db}, read under its cap on files read whole. */
    Refs(ObjectDatabase db) {
        this(db.gitDir(), db.format(), db.options().maxMetadataFile);
    }

    private Refs(Path gitDir, ObjectFormat format, long maxFile) {
        this.gitDir = gitDir;
        this.format = format;
        this.maxFile = maxFile;
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
            packed = PackedRefs.read(gitDir.resolve("packed-refs"), format, maxFile);
        }
        return packed;
    }

    /**
     * Resolves {@code name} (a full ref name such as {@code HEAD} or {@code refs/heads/main}),
     * following symbolic refs (at most {@value #MAX_SYMREF_DEPTH} refs read, as git's
     * {@code refs_resolve_ref_unsafe}); null if it does not exist, is broken or is not a valid
     * name. Never throws for a name: one no file can have here (the platform's file-name
     * encoding cannot hold it) is looked up in {@code packed-refs} only.
     */
    Resolved resolve(String name) throws IOException {
        String cur = name;
        for (int depth = 0; depth < MAX_SYMREF_DEPTH; depth++) {
            if (!isValidName(cur)) {
                return null;
            }
            Path f = file(cur);
            byte[] b = f != null && Files.isRegularFile(f) ? readRefFile(f) : null;
            if (b != null) {
                int n = b.length;
                while (n > 0 && isSpace(b[n - 1])) {
                    n--;
                }
                if (n >= 4 && b[0] == 'r' && b[1] == 'e' && b[2] == 'f' && b[3] == ':') {
                    if (b.length > MAX_REF_FILE && !onlySpaceFrom(f, MAX_REF_FILE)) {
                        return null; // a ref name of more than 64 KiB: none exists
                    }
                    int from = 4;
                    while (from < n && isSpace(b[from])) {
                        from++;
                    }
                    int to = from;
                    while (to < n && b[to] != 0) { // git reads the target as a C string
                        to++;
                    }
                    cur = new String(b, from, to - from, StandardCharsets.UTF_8);
                    continue;
                }
                ObjectId id = parseId(b, n);
                return id == null ? null : new Resolved(cur, id);
            }
            if (f != null && Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(f)) {
                return null; // unreadable as a ref (a dangling link, a special file)
            }
            ObjectId id = packed().lookup(cur);
            return id == null ? null : new Resolved(cur, id);
        }
        return null;
    }

    /** The file of ref {@code name} under the git directory, or null if no file can have that name here. */
    private Path file(String name) {
        try {
            return gitDir.resolve(name);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * A loose ref's id, as git's {@code parse_loose_ref_contents} reads it from the first
     * {@code n} bytes of {@code b} (trailing whitespace trimmed): the first hex-length
     * characters, then the end, a NUL or whitespace (anything after that is ignored, as in
     * {@code FETCH_HEAD}; leading blanks are not skipped).
     */
    private ObjectId parseId(byte[] b, int n) {
        int hex = format.hexLength();
        if (n < hex) {
            return null;
        }
        String h = new String(b, 0, hex, StandardCharsets.ISO_8859_1);
        if (!ObjectId.isHex(h) || (n > hex && b[hex] != 0 && !isSpace(b[hex]))) {
            return null;
        }
        return ObjectId.fromHex(h);
    }

    /** git's isspace: space, tab, newline, carriage return. */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** True if {@code f} holds only whitespace from byte {@code from} on (read in bounded memory). */
    private static boolean onlySpaceFrom(Path f, long from) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            in.skipNBytes(from);
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (!isSpace(buf[i])) {
                        return false;
                    }
                }
            }
            return true;
        } catch (NoSuchFileException | EOFException e) {
            return false;
        }
    }

    /** The first {@value #MAX_REF_FILE} + 1 bytes of a loose ref file, or null if it vanished. */
    private static byte[] readRefFile(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes(MAX_REF_FILE + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
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
        if (!dir.isEmpty() && isValidName(dir.substring(0, dir.length() - 1)) && file(dir) != null) {
            loose(dir, file(dir), prefix, all, 0);
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
        Path f = file("logs/" + name);
        return f != null && Files.isRegularFile(f) ? Reflog.parse(Limits.readWhole(f, maxFile), format) : null;
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
