package io.github.smmap4j.core;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A read of mapped bytes faulted because the file was truncated underneath its mapping: the pages
 * past the new end of the file no longer exist. HotSpot reports such a fault as
 * {@link InternalError}, which is kept as the cause. The mapping itself stays valid; reads of
 * bytes still inside the file keep working, but the file is not the one that was mapped any more.
 */
public final class MappedFileTruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file whose mapping faulted (transient: {@link Path} is not serializable). */
    private final transient Path path;
    /** The file offset at which the faulting read began. */
    private final long offset;

    /**
     * Creates the exception for a read of {@code path} starting at file offset {@code offset}.
     *
     * @param path   the file whose mapping faulted
     * @param offset the file offset at which the faulting read began
     * @param cause  the fault as the JVM reported it, usually an {@link InternalError}
     */
    public MappedFileTruncatedException(Path path, long offset, Throwable cause) {
        super(path + ": file was truncated underneath its mapping; cannot read offset " + offset
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.path = path;
        this.offset = offset;
    }

    /**
     * Returns the file whose mapping faulted.
     *
     * @return the absolute, normalized path of the file (null after deserialization)
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the file offset at which the faulting read began (the fault itself may lie further on).
     *
     * @return the offset in bytes from the start of the file
     */
    public long offset() {
        return offset;
    }
}
