package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a partial clone's promisor remote promised ({@code git clone --filter=...}): the objects
 * of its {@code .promisor} packs and every object they refer to (a commit's tree and parents, a
 * tree's entries, a tag's object), git's {@code is_promisor_object}. Such an object may be absent
 * here: git would fetch it from the remote, this library never fetches. Thread-safe; the set is
 * made on the first {@link #isPromised} call (one pass over the promisor packs' commits, trees and
 * tags), as git makes it when it first fails to fetch.
 *
 * <pre>{@code
 * PromisorObjects promised = PromisorObjects.read(db);
 * if (!db.has(id) && promised.isPromised(id)) { ... }    // absent here, but the remote has it
 * }</pre>
 */
public final class PromisorObjects {
    private final ObjectDatabase db;
    private final Set<String> remotes;
    private Set<ObjectId> promised; // guarded by this; made on first use

    private PromisorObjects(ObjectDatabase db, Set<String> remotes) {
        this.db = db;
        this.remotes = remotes;
    }

    /**
     * Reads the promisor remotes from the repository's config as git does: every
     * {@code remote.<name>.promisor} that is true, every remote with a
     * {@code remote.<name>.partialclonefilter}, and the remote {@code extensions.partialClone}
     * names (a name starting with {@code /} is not a remote, as git warns).
     *
     * @throws RepositoryFormatException if a {@code promisor} value is not a boolean, as git dies on it
     */
    public static PromisorObjects read(ObjectDatabase db) throws RepositoryFormatException {
        Set<String> remotes = new LinkedHashSet<>();
        String extension = null;
        for (GitConfig.Entry e : db.config().entries()) {
            String k = e.key();
            if (k.startsWith("remote.") && k.endsWith(".promisor") && k.length() > 16) {
                if (GitConfig.parseBoolean(e)) {
                    remotes.add(k.substring(7, k.length() - 9));
                }
            } else if (k.startsWith("remote.") && k.endsWith(".partialclonefilter") && k.length() > 26) {
                remotes.add(k.substring(7, k.length() - 19));
            } else if (k.equals("extensions.partialclone") && e.value() != null) {
                extension = e.value();
            }
        }
        if (extension != null) {
            remotes.add(extension);
        }
        remotes.removeIf(name -> name.startsWith("/"));
        return new PromisorObjects(db, Set.copyOf(remotes));
    }

    /** Returns true if the repository has a promisor remote (git's {@code has_promisor_remote}). */
    public boolean hasRemote() {
        return !remotes.isEmpty();
    }

    /**
     * Returns true if a promisor remote promised {@code id}: it is in a {@code .promisor} pack or
     * named by an object of one. Always false without a promisor remote.
     */
    public synchronized boolean isPromised(ObjectId id) throws IOException {
        if (promised == null) {
            promised = hasRemote() ? collect() : Set.of();
        }
        return promised.contains(id);
    }

    /** git's add_promisor_object over every entry of the promisor packs. */
    private Set<ObjectId> collect() throws IOException {
        Set<ObjectId> out = new HashSet<>();
        ObjectFormat format = db.format();
        try (ObjectReader reader = db.newReader()) {
            for (PackFile p : db.packArray()) {
                if (!p.promisor()) {
                    continue;
                }
                reader.walkPackOrder(p, 0, p.objectCount(), (id, type, size, data, large) -> {
                    out.add(id);
                    byte[] b = data;
                    if (large != null) {
                        try (InputStream in = large) {
                            if (type == ObjectType.BLOB) {
                                return; // names nothing
                            }
                            b = in.readAllBytes();
                        }
                    }
                    switch (type) {
                        case COMMIT -> commit(b, (int) size, format, out);
                        case TREE -> tree(b, (int) size, format, id, out);
                        case TAG -> header(b, (int) size, format, "object ", 0, out);
                        default -> { }
                    }
                });
            }
        }
        return out;
    }

    /** A commit's tree, then its parents: the {@code parent} lines right after the {@code tree} line, as git parses them. */
    private static void commit(byte[] b, int len, ObjectFormat format, Set<ObjectId> out) {
        int p = header(b, len, format, "tree ", 0, out);
        while (p > 0) {
            p = header(b, len, format, "parent ", p, out);
        }
    }

    /**
     * Adds the id of the header line {@code key<hex>\n} at {@code p}; returns the next line's
     * start, or -1 if the line is not one.
     */
    private static int header(byte[] b, int len, ObjectFormat format, String key, int p, Set<ObjectId> out) {
        int hex = format.hexLength();
        int end = p + key.length() + hex;
        if (end >= len || b[end] != '\n' || !new String(b, p, key.length(), StandardCharsets.US_ASCII).equals(key)) {
            return -1;
        }
        String h = new String(b, p + key.length(), hex, StandardCharsets.ISO_8859_1);
        if (!ObjectId.isHex(h)) {
            return -1;
        }
        out.add(ObjectId.fromHex(h));
        return end + 1;
    }

    /** Every entry's id; a malformed tree adds the entries before the damage, as git's gentle tree walk. */
    private static void tree(byte[] b, int len, ObjectFormat format, ObjectId tree, Set<ObjectId> out) {
        byte[] t = len == b.length ? b : java.util.Arrays.copyOf(b, len);
        int h = format.length();
        try {
            for (int p = 0; p < t.length; ) {
                int nul = TreePath.decode(t, p, h, tree)[2];
                out.add(ObjectId.fromRaw(t, nul + 1, h));
                p = nul + 1 + h;
            }
        } catch (IOException malformed) {
            // git: "error messages are given when packs are verified"; the entries so far count
        }
    }
}
