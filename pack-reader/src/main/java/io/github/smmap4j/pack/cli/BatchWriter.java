package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.MissingObjectException;
import io.github.smmap4j.pack.ObjectFormat;
import io.github.smmap4j.pack.ObjectHeader;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectInfo;
import io.github.smmap4j.pack.ObjectLoader;
import io.github.smmap4j.pack.ObjectLocation;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.ObjectType;
import io.github.smmap4j.pack.PackEntryInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints the objects of {@code cat-file --batch} / {@code --batch-check}: for each one its
 * {@link BatchFormat} line and (for {@code --batch}) its content and a newline, or
 * {@code <name> missing} / {@code <name> ambiguous}. Reads only what the format needs. Flushes
 * only after "missing" and "ambiguous" (git's printf + fflush, even with {@code --buffer}); the
 * caller decides when else to flush.
 */
final class BatchWriter {
    private static final byte[] MISSING = " missing\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectReader reader;
    private final OutputStream out;
    private final BatchFormat fmt;
    private final boolean contents;
    private final ObjectId zero;
    private final ObjectId emptyTree;

    /**
     * @param contents true for {@code --batch} (content after each line), false for
     *                 {@code --batch-check}
     */
    BatchWriter(ObjectReader reader, ObjectFormat format, OutputStream out, BatchFormat fmt, boolean contents) {
        this.reader = reader;
        this.out = out;
        this.fmt = fmt;
        this.contents = contents;
        this.zero = format.zeroId();
        this.emptyTree = format.emptyTreeId();
    }

    /** True if {@code id} is git's built-in empty tree (known without being stored). */
    boolean isEmptyTree(ObjectId id) {
        return id.equals(emptyTree);
    }

    /**
     * Writes one object found by name or by a bulk iteration: its header line and (for --batch)
     * content and newline, or "missing". A packed location is read where it is; without one the
     * object is looked up by id, where git's built-in empty tree comes first.
     *
     * @param name  the name it was asked for on stdin (printed if missing), or null
     * @param where where a bulk iteration found the object in a pack, or null
     * @param rest  the {@code %(rest)} text, or null
     */
    void object(String name, ObjectId id, ObjectLocation where, String rest) throws IOException {
        boolean packed = where != null && where.isPacked();
        if (!packed) {
            where = ObjectLocation.loose(id); // read by id: the reader looks in the packs first
        }
        ObjectType type;
        long size = 0;
        long disk = 0;
        ObjectId base = zero;
        ObjectLoader loaded = null;
        try {
            if (!packed && id.equals(emptyTree)) {
                type = ObjectType.TREE; // git's built-in object: size 0, disk size 0, no base, no content
            } else if (contents) {
                loaded = reader.open(where);
                type = loaded.type();
                size = loaded.size();
                if (fmt.needsDisk || fmt.needsBase) {
                    ObjectInfo info = reader.info(where);
                    disk = info.diskSize();
                    base = info.deltaBase();
                }
            } else if (fmt.needsDisk || fmt.needsBase || packed) {
                ObjectInfo info = reader.info(where);
                type = info.type();
                size = info.size();
                disk = info.diskSize();
                base = info.deltaBase();
            } else if (fmt.needsType || fmt.needsSize) {
                ObjectHeader h = reader.header(id);
                type = h.type();
                size = h.size();
            } else {
                if (name != null && !reader.has(id)) {
                    throw new MissingObjectException(id);
                }
                type = null;
            }
        } catch (MissingObjectException e) {
            missing(name != null ? name : id.name());
            return;
        }
        line(id, type, size, disk, base, rest, loaded);
    }

    /** Writes the packed entry a pack-order info walk is at. */
    void packed(PackEntryInfo e) throws IOException {
        ObjectLoader loaded = contents ? reader.open(e.location()) : null;
        line(e.id(), e.type(), e.size(), e.diskSize(), fmt.needsBase ? e.deltaBase() : zero, null, loaded);
    }

    /** True if {@code --batch} content can come from the pack-order content walk (no disk size or delta base needed). */
    boolean walksContents() {
        return contents && !fmt.needsDisk && !fmt.needsBase;
    }

    /** Writes an object a pack-order content walk hands over: {@code data[0, size)}, or {@code large} (closed here). */
    void content(ObjectId id, ObjectType type, long size, byte[] data, InputStream large) throws IOException {
        fmt.write(out, id, type, size, 0, zero, null);
        if (large != null) {
            try (large) {
                large.transferTo(out);
            }
        } else {
            out.write(data, 0, (int) size);
        }
        out.write('\n');
    }

    /** Writes {@code <name> missing} and flushes. */
    void missing(String name) throws IOException {
        out.write(name.getBytes(StandardCharsets.ISO_8859_1));
        out.write(MISSING);
        out.flush();
    }

    /** Writes {@code <name> ambiguous} and flushes. */
    void ambiguous(String name) throws IOException {
        out.write((name + " ambiguous\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Flushes what was written. */
    void flush() throws IOException {
        out.flush();
    }

    private void line(ObjectId id, ObjectType type, long size, long disk, ObjectId base, String rest,
                      ObjectLoader loaded) throws IOException {
        fmt.write(out, id, type, size, disk, base, rest);
        if (contents) {
            if (loaded != null) {
                CatFileCommand.copy(loaded, out);
            }
            out.write('\n');
        }
    }
}
