package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code <tree-ish>:<path>} walk of git's {@code get_tree_entry} / {@code find_tree_entry}:
 * entries are compared with the rest of the path byte for byte, so an entry whose own name holds
 * a {@code /} matches literally, and the scan of a tree stops at the first entry sorting after
 * the path (trees are sorted). Iterative: every step into a subtree consumes at least two bytes
 * of the path, so no tree, however hostile, makes the walk loop, and nothing touches the file
 * system. Also git's relative-path normalisation ({@code <rev>:./path}, {@code <rev>:../path}).
 * The symlink-following walk ({@code --follow-symlinks}) is {@link SymlinkWalk}, on the same
 * {@link #decode} and {@link #peelToTree}.
 */
final class TreePath {
    /** Reads an object (with the caller's replacements applied). */
    @FunctionalInterface
    interface Reader {
        ObjectLoader open(ObjectId id) throws IOException;
    }

    /** Tag/commit hops before a tree-ish is given up (only replace refs can make a cycle). */
    private static final int MAX_PEEL = 64;

    private TreePath() {
    }

    /**
     * Returns the object at {@code path} under the tree-ish {@code start} (the tree itself for
     * an empty path), or null if there is none.
     *
     * @throws IOException if a tree on the way is malformed (git dies there too)
     */
    static ObjectId lookup(Reader reader, ObjectFormat format, ObjectId start, String path) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        int h = format.length();
        ObjectId cur = start;
        int from = 0;
        while (true) {
            ObjectId tree = peelToTree(reader, format, cur);
            if (tree == null) {
                return null;
            }
            if (from == name.length) {
                return tree;
            }
            byte[] t = reader.open(tree).bytes();
            ObjectId next = null;
            int nextFrom = -1;
            for (int p = 0; p < t.length; ) {
                int[] e = decode(t, p, h, tree); // {mode, nameStart, nameEnd}
                int entryLen = e[2] - e[1];
                ObjectId oid = ObjectId.fromRaw(t, e[2] + 1, h);
                p = e[2] + 1 + h;
                int rest = name.length - from;
                if (entryLen > rest) {
                    continue;
                }
                int cmp = Arrays.compareUnsigned(name, from, from + entryLen, t, e[1], e[2]);
                if (cmp > 0) {
                    continue;
                }
                if (cmp < 0) {
                    break;
                }
                if (entryLen == rest) {
                    return oid;
                }
                if (name[from + entryLen] != '/') {
                    continue;
                }
                if (FileMode.canonical(e[0]) != FileMode.TREE) {
                    break;
                }
                if (entryLen + 1 == rest) {
                    return oid;
                }
                next = oid;
                nextFrom = from + entryLen + 1;
                break;
            }
            if (next == null) {
                return null;
            }
            cur = next;
            from = nextFrom;
        }
    }

    /** git's read_object_with_reference to a tree: a commit's {@code tree}, a tag's {@code object}; null if none. */
    static ObjectId peelToTree(Reader reader, ObjectFormat format, ObjectId id) throws IOException {
        int hex = format.hexLength();
        for (int hops = 0; hops < MAX_PEEL; hops++) {
            ObjectLoader o;
            try {
                o = reader.open(id);
            } catch (MissingObjectException e) {
                return null;
            }
            String key = switch (o.type()) {
                case TREE -> null;
                case COMMIT -> "tree ";
                case TAG -> "object ";
                default -> "";
            };
            if (key == null) {
                return id;
            }
            if (key.isEmpty() || o.isLarge()) {
                return null;
            }
            byte[] b = o.bytes();
            if (key.length() + hex > b.length
                    || !new String(b, 0, key.length(), StandardCharsets.US_ASCII).equals(key)
                    || !ObjectId.isHex(new String(b, key.length(), hex, StandardCharsets.ISO_8859_1))) {
                return null;
            }
            id = ObjectId.fromHex(new String(b, key.length(), hex, StandardCharsets.US_ASCII));
        }
        return null;
    }

    /** git's decode_tree_entry at {@code p}: {mode, name start, name end (its NUL)}. */
    static int[] decode(byte[] t, int p, int h, ObjectId tree) throws IOException {
        int size = t.length - p;
        if (size < h + 3 || t[t.length - (h + 1)] != 0) {
            throw new IOException("corrupt tree " + tree.name() + ": too-short tree object");
        }
        int mode = 0;
        int q = p;
        for (; t[q] != ' '; q++) {
            if (t[q] < '0' || t[q] > '7') {
                throw new IOException("corrupt tree " + tree.name() + ": malformed mode in tree entry");
            }
            mode = (mode << 3) + (t[q] - '0');
        }
        int nameStart = q + 1;
        if (t[nameStart] == 0) {
            throw new IOException("corrupt tree " + tree.name() + ": empty filename in tree entry");
        }
        int nul = nameStart;
        while (t[nul] != 0) {
            nul++;
        }
        if (nul + 1 + h > t.length) {
            throw new IOException("corrupt tree " + tree.name() + ": too-short tree file");
        }
        return new int[] {mode, nameStart, nul};
    }

    /**
     * git's resolve_relative_path: {@code path} as it is unless it starts with {@code ./} or
     * {@code ../}; then joined to {@code prefix} (the current directory within the work tree,
     * {@code ""} or ending in {@code /}) and normalised.
     *
     * @throws IllegalArgumentException outside a work tree ({@code prefix} null) or when the
     *         path leaves it, with git's message
     */
    static String relative(String path, String prefix) {
        if (!path.startsWith("./") && !path.startsWith("../")) {
            return path;
        }
        if (prefix == null) {
            throw new IllegalArgumentException("relative path syntax can't be used outside working tree");
        }
        String n = normalize(prefix + path);
        if (n == null) {
            throw new IllegalArgumentException("'" + path + "' is outside repository");
        }
        return n;
    }

    /** git's normalize_path_copy: drops "." components and repeated slashes, applies ".."; null above the top. */
    static String normalize(String src) {
        StringBuilder dst = new StringBuilder();
        int i = 0;
        int n = src.length();
        while (i < n && src.charAt(i) == '/') {
            i++;
        }
        while (true) {
            boolean up = false;
            if (i < n && src.charAt(i) == '.') {
                if (i + 1 == n) {
                    i++;
                } else if (src.charAt(i + 1) == '/') {
                    i = skipSlashes(src, i + 2);
                    continue;
                } else if (src.charAt(i + 1) == '.' && (i + 2 == n || src.charAt(i + 2) == '/')) {
                    i = i + 2 == n ? n : skipSlashes(src, i + 3);
                    up = true;
                }
            }
            if (up) {
                if (dst.isEmpty()) {
                    return null;
                }
                int cut = dst.length() - 1; // dst ends with '/'
                while (cut > 0 && dst.charAt(cut - 1) != '/') {
                    cut--;
                }
                dst.setLength(cut);
                continue;
            }
            while (i < n && src.charAt(i) != '/') {
                dst.append(src.charAt(i++));
            }
            if (i == n) {
                return dst.toString();
            }
            dst.append('/');
            i = skipSlashes(src, i);
        }
    }

    private static int skipSlashes(String s, int i) {
        while (i < s.length() && s.charAt(i) == '/') {
            i++;
        }
        return i;
    }
}
