package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Which version of a file was opened: its size, file key and modification time then. A file
 * that no longer matches its stamp was replaced, rewritten or truncated underneath (a gc or
 * repack at work), or is gone; packs, their indexes and multi-pack-indexes are checked this way.
 * Immutable.
 *
 * @param size     the size in bytes
 * @param fileKey  the file key (inode and device where the platform has them), or null
 * @param modified the modification time
 */
record FileStamp(long size, Object fileKey, FileTime modified) {
    /** Returns the stamp of {@code p} as it is now. */
    static FileStamp of(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new FileStamp(a.size(), a.fileKey(), a.lastModifiedTime());
    }

    /** Returns true if {@code p} is still the file of this stamp: same size, file key and time (false if it is gone). */
    boolean matches(Path p) {
        try {
            return equals(of(p));
        } catch (IOException e) {
            return false;
        }
    }
}
