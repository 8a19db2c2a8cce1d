package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * git's {@code get_tree_entry_follow_symlinks}, what {@code cat-file --follow-symlinks} uses for
 * {@code <tree-ish>:<path>}: the path is walked as {@link TreePath#lookup} walks it, and symlinks
 * met on the way are followed inside the tree (relative to the directory holding them, {@code ..}
 * going up, at most {@value #MAX_LINKS} of them); one leading out of the tree ends the walk with
 * what is left of the path. Objects are read through the caller's {@link TreePath.Reader}
 * (replacements applied); nothing touches the file system.
 */
final class SymlinkWalk {
    /** git's GET_TREE_ENTRY_FOLLOW_SYMLINKS_MAX_LINKS. */
    static final int MAX_LINKS = 40;

    /** A tree read whole, and where a scan of it stands (git's tree_desc). */
    private static final class Tree {
        final ObjectId id;
        final byte[] data;
        int pos;
        int mode;
        ObjectId entry;

        Tree(ObjectId id, byte[] data) {
            this.id = id;
            this.data = data;
        }

        Tree rewound() {
            return new Tree(id, data);
        }
    }

    private final TreePath.Reader reader;
    private final ObjectFormat format;

    private SymlinkWalk(TreePath.Reader reader, ObjectFormat format) {
        this.reader = reader;
        this.format = format;
    }

    /**
     * {@code path} under tree-ish {@code treeish} with the symlinks on the way followed. FOUND
     * (the object), MISSING (nothing there, no symlink followed yet), DANGLING_SYMLINK (a symlink
     * was followed, then nothing found), SYMLINK_LOOP (more than {@value #MAX_LINKS} symlinks),
     * NOT_DIR (a file used as a directory) or OUTSIDE_TREE (a symlink leads out of the tree: the
     * rest of the path is the result's {@link Revision.Result#symlinkPath()}).
     *
     * @throws IOException if a tree on the way is malformed (git dies there too)
     */
    static Revision.Result follow(TreePath.Reader reader, ObjectFormat format, ObjectId treeish, byte[] path)
            throws IOException {
        return new SymlinkWalk(reader, format).follow(treeish, path);
    }

    private Revision.Result follow(ObjectId treeish, byte[] path) throws IOException {
        Revision.Status failure = Revision.Status.MISSING;
        List<Tree> parents = new ArrayList<>();
        byte[] name = path.clone(); // git's namebuf, edited in place like a strbuf
        int len = name.length;
        ObjectId current = treeish;
        Tree t = null;
        int followsLeft = MAX_LINKS;
        while (true) {
            if (t == null) {
                t = read(current);
                if (t == null) {
                    return failed(failure);
                }
                parents.add(t);
                if (at(name, len, 0) == 0) {
                    return found(t.id);
                }
                if (t.data.length == 0) {
                    return failed(failure);
                }
            }
            int lead = 0; // symlinks to e.g. a//b: leading slashes dropped
            while (at(name, len, lead) == '/') {
                lead++;
            }
            if (lead > 0) {
                name = Arrays.copyOfRange(name, lead, len);
                len -= lead;
            }
            int slash = -1;
            for (int i = 0, c = cLength(name, len); i < c; i++) { // strchr: stops at a NUL
                if (name[i] == '/') {
                    slash = i;
                    name[i] = 0;
                    break;
                }
            }
            int component = cLength(name, len);
            if (component == 2 && name[0] == '.' && name[1] == '.') {
                if (parents.size() == 1) {
                    if (slash >= 0) {
                        name[slash] = '/';
                    }
                    return outside(Arrays.copyOf(name, len));
                }
                parents.removeLast();
                t = parents.getLast().rewound();
                int cut = slash >= 0 ? 3 : 2;
                name = Arrays.copyOfRange(name, cut, len);
                len -= cut;
                continue;
            }
            if (at(name, len, 0) == 0) { // via a symlink to dir/..
                return found(parents.getLast().id);
            }
            if (!find(t, name, component)) {
                return failed(failure);
            }
            current = t.entry;
            int type = FileMode.canonical(t.mode) & FileMode.TYPE_MASK;
            if (type == FileMode.TREE) {
                if (slash < 0) {
                    return found(current);
                }
                t = null;
                name = Arrays.copyOfRange(name, slash + 1, len);
                len -= slash + 1;
            } else if (type == FileMode.REGULAR_FILE) {
                return slash < 0 ? found(current) : failed(Revision.Status.NOT_DIR);
            } else if (type == FileMode.SYMLINK) {
                if (followsLeft-- == 0) {
                    return failed(Revision.Status.SYMLINK_LOOP);
                }
                failure = Revision.Status.DANGLING_SYMLINK; // a symlink followed: failing now is dangling
                byte[] link;
                try {
                    link = reader.open(current).bytes(); // whatever its type, as git's read_object_file
                } catch (MissingObjectException e) {
                    return failed(failure);
                }
                if (link.length > 0 && link[0] == '/') {
                    return outside(Arrays.copyOf(link, cLength(link, link.length)));
                }
                int replaced = slash >= 0 ? slash : len;
                byte[] spliced = new byte[link.length + len - replaced];
                System.arraycopy(link, 0, spliced, 0, link.length);
                System.arraycopy(name, replaced, spliced, link.length, len - replaced);
                if (slash >= 0) {
                    spliced[link.length] = '/';
                }
                name = spliced;
                len = spliced.length;
                t = parents.getLast().rewound();
            }
            // a gitlink: git goes round again with the scan moved on, and finds nothing
        }
    }

    /** git's find_tree_entry for a name without slashes: scans on from where {@code t} stands. */
    private boolean find(Tree t, byte[] name, int nameLen) throws IOException {
        int h = format.length();
        while (t.pos < t.data.length) {
            int[] e = TreePath.decode(t.data, t.pos, h, t.id); // {mode, nameStart, nameEnd}
            t.mode = e[0];
            t.entry = ObjectId.fromRaw(t.data, e[2] + 1, h);
            t.pos = e[2] + 1 + h;
            int entryLen = e[2] - e[1];
            if (entryLen > nameLen) {
                continue;
            }
            int cmp = Arrays.compareUnsigned(name, 0, entryLen, t.data, e[1], e[2]);
            if (cmp > 0) {
                continue;
            }
            if (cmp < 0) {
                return false;
            }
            if (entryLen == nameLen) {
                return true;
            }
            // name[entryLen] is never '/' here: go on
        }
        return false;
    }

    /** Reads tree-ish {@code id} as a tree, or null if it is missing or peels to no tree. */
    private Tree read(ObjectId id) throws IOException {
        ObjectId tree = TreePath.peelToTree(reader, format, id);
        if (tree == null) {
            return null;
        }
        try {
            return new Tree(tree, reader.open(tree).bytes());
        } catch (MissingObjectException e) {
            return null;
        }
    }

    /** Byte {@code i} of a C string of {@code len} bytes: NUL past its end, as in a strbuf. */
    private static int at(byte[] b, int len, int i) {
        return i < len ? b[i] & 0xff : 0;
    }

    /** The length of the C string in {@code b[0, len)}: up to its first NUL. */
    private static int cLength(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return len;
    }

    private static Revision.Result found(ObjectId id) {
        return new Revision.Result(Revision.Status.FOUND, id);
    }

    private static Revision.Result failed(Revision.Status s) {
        return new Revision.Result(s, null);
    }

    private static Revision.Result outside(byte[] rest) {
        return new Revision.Result(Revision.Status.OUTSIDE_TREE, null, rest);
    }
}
