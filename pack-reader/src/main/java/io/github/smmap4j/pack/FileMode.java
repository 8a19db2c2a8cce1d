package io.github.smmap4j.pack;

/**
 * The modes of tree entries as git reads them: {@link #canonical} is git's {@code canon_mode},
 * applied to every entry git decodes, so an old or hand-made tree's {@code 100664} or
 * {@code 100600} reads as {@code 100644}, and any mode that is not a file, link or directory
 * reads as a gitlink.
 */
public final class FileMode {
    /** The type bits of a mode. */
    public static final int TYPE_MASK = 0170000;
    /** A directory: the entry is a tree. */
    public static final int TREE = 0040000;
    /** A regular file (with 0644 or 0755 permissions). */
    public static final int REGULAR_FILE = 0100000;
    /** A symbolic link. */
    public static final int SYMLINK = 0120000;
    /** A gitlink: the entry is a commit (a submodule). */
    public static final int GITLINK = 0160000;

    private FileMode() {
    }

    /** Returns git's canonical form of {@code mode}: 100644/100755, 120000, 040000, else 160000. */
    public static int canonical(int mode) {
        return switch (mode & TYPE_MASK) {
            case REGULAR_FILE -> REGULAR_FILE | ((mode & 0100) != 0 ? 0755 : 0644);
            case SYMLINK -> SYMLINK;
            case TREE -> TREE;
            default -> GITLINK;
        };
    }
}
