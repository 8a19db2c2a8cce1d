package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.CorruptPackException;
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
import io.github.smmap4j.pack.PromisorObjects;
import io.github.smmap4j.pack.ReplaceRefs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Prints the objects of {@code cat-file --batch} / {@code --batch-check}: for each one its
 * {@link BatchFormat} line and (for {@code --batch}) its content and a newline, or
 * {@code <name> missing} / {@code <name> ambiguous}, each record ended by the format's
 * delimiter (newline, or NUL with {@code -Z}). Reads only what the format needs; an object
 * named on stdin is read as its replacement (its name printed as asked). As git, an object none
 * of whose copies (packs, loose) gives its header (type, size) is reported on stderr and printed
 * as missing (an object of a pack that does not match its index was reported once, when the
 * database was opened); one whose header reads but whose content does not gets its header line,
 * then the batch dies with git's "packed object ... is corrupt". Flushes
 * only after "missing" and "ambiguous" (git's printf + fflush, even with {@code --buffer}); the
 * caller decides when else to flush.
 */
final class BatchWriter {
    private static final byte[] MISSING = " missing".getBytes(StandardCharsets.US_ASCII);

    private final ObjectReader reader;
    private final OutputStream out;
    private final BatchFormat fmt;
    private final boolean contents;
    private final ObjectId zero;
    private final ObjectId emptyTree;
    private ReplaceRefs replace = ReplaceRefs.none();
    private PrintStream err;
    private List<CorruptPackException> packErrors = List.of();
    private PromisorObjects promisor;

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

    /**
     * Reads objects named on stdin as their replacements in {@code replace}, reports unreadable
     * loose objects on {@code err} (git's "error: ...") and takes the objects of the packs in
     * {@code packErrors} (already reported) as missing; returns this.
     */
    BatchWriter readingAs(ReplaceRefs replace, PrintStream err, List<CorruptPackException> packErrors) {
        this.replace = replace;
        this.err = err;
        this.packErrors = packErrors;
        return this;
    }

    /**
     * Dies as git 2.39 dies when it cannot fetch an absent object that {@code promisor}'s remote
     * promised, instead of printing it missing (this tool never fetches); returns this.
     */
    BatchWriter promising(PromisorObjects promisor) {
        this.promisor = promisor;
        return this;
    }

    /** Fails as git does when a promisor remote promised the absent {@code id} and it cannot be fetched. */
    static void dieIfPromised(PromisorObjects promisor, ObjectId id) throws IOException {
        if (promisor != null && id != null && promisor.isPromised(id)) {
            throw CliException.fatal("could not fetch " + id.name() + " from promisor remote");
        }
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
        ObjectId read = id;
        if (!packed) {
            read = replace.resolve(id);
            where = ObjectLocation.loose(read); // read by id: the reader looks in the packs first
        }
        ObjectType type;
        long size = 0;
        long disk = 0;
        ObjectId base = zero;
        ObjectLoader loaded = null;
        try {
            if (!packed && read.equals(emptyTree)) {
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
            } else if (fmt.needsDisk || fmt.needsBase || (packed && needsInfo())) {
                ObjectInfo info = reader.info(where);
                type = info.type();
                size = info.size();
                disk = info.diskSize();
                base = info.deltaBase();
            } else if (fmt.needsType || fmt.needsSize) {
                ObjectHeader h = reader.header(read);
                type = h.type();
                size = h.size();
            } else {
                if (name != null && !reader.has(read)) {
                    throw new MissingObjectException(read);
                }
                type = null;
            }
        } catch (MissingObjectException e) {
            dieIfPromised(promisor, read);
            missing(name != null ? name : id.name());
            return;
        } catch (CorruptPackException e) {
            unreadable(name, id, where, rest, e);
            return;
        }
        line(id, type, size, disk, base, rest, loaded);
    }

    /**
     * An object that could not be read: if its header reads (only the content is damaged), git
     * prints the header line and dies; else it reports the error and prints it as missing.
     */
    private void unreadable(String name, ObjectId id, ObjectLocation where, String rest, CorruptPackException e)
            throws IOException {
        if (contents) {
            ObjectInfo info;
            try {
                info = reader.info(where);
            } catch (CorruptPackException | MissingObjectException notEvenTheHeader) {
                info = null;
            }
            if (info != null) {
                fmt.write(out, id, info.type(), info.size(), info.diskSize(), info.deltaBase(), rest);
                throw corrupt(id, e);
            }
        }
        missingAfter(name != null ? name : id.name(), id, e);
    }

    /** True if {@code e} is a read of a pack that does not match its index (reported when the database was opened). */
    boolean ofUnusablePack(CorruptPackException e) {
        return e.getCause() instanceof CorruptPackException c && packErrors.contains(c);
    }

    /** Reports why {@code id} cannot be read on stderr (unless its pack was reported at open) and prints {@code name} missing. */
    void missingAfter(String name, ObjectId id, CorruptPackException e) throws IOException {
        out.flush();
        if (err != null && !ofUnusablePack(e)) {
            err.println("error: unable to read " + id.name() + ": " + e.getMessage());
        }
        missing(name);
    }

    /**
     * Reports {@code e} and returns git's fatal error for an object whose header line is written
     * but whose content cannot be read from any copy: "packed object X (stored in P) is corrupt".
     */
    CliException corrupt(ObjectId id, CorruptPackException e) throws IOException {
        out.flush();
        if (err != null) {
            err.println("error: " + e.getMessage());
        }
        return corruptObject(id, e);
    }

    /** git's {@code die("packed object %s (stored in %s) is corrupt")} (or "loose object") for the copy {@code e} names. */
    static CliException corruptObject(ObjectId id, CorruptPackException e) {
        String file = e.file() == null ? "" : e.file().toString();
        return CliException.fatal((file.endsWith(".pack") || file.endsWith(".idx") ? "packed" : "loose")
                + " object " + id.name() + " (stored in " + file + ") is corrupt");
    }

    /** Writes the packed entry a pack-order info walk is at. */
    void packed(PackEntryInfo e) throws IOException {
        ObjectId base = fmt.needsBase ? e.deltaBase() : zero;
        ObjectLoader loaded = null;
        if (contents) {
            try {
                loaded = reader.open(e.location());
            } catch (CorruptPackException damaged) { // git prints the header line, then dies on the content
                fmt.write(out, e.id(), e.type(), e.size(), e.diskSize(), base, null);
                throw corrupt(e.id(), damaged);
            }
        }
        line(e.id(), e.type(), e.size(), e.diskSize(), base, null, loaded);
    }

    /**
     * True if an object's header is read at all: for {@code --batch}, or a format with a type, a
     * size, a size on disk or a delta base (git skips the read for {@code %(objectname)} alone).
     */
    boolean needsInfo() {
        return contents || fmt.needsType || fmt.needsSize || fmt.needsDisk || fmt.needsBase;
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
        out.write(fmt.delimiter);
    }

    /** Writes {@code <name> missing} (and the format's delimiter) and flushes. */
    void missing(String name) throws IOException {
        out.write(name.getBytes(StandardCharsets.ISO_8859_1));
        out.write(MISSING);
        out.write(fmt.delimiter);
        out.flush();
    }

    /** Writes {@code <name> ambiguous} (and the format's delimiter) and flushes. */
    void ambiguous(String name) throws IOException {
        out.write((name + " ambiguous").getBytes(StandardCharsets.ISO_8859_1));
        out.write(fmt.delimiter);
        out.flush();
    }

    /**
     * Writes a {@code --follow-symlinks} record, {@code <kind> <length>}, the delimiter,
     * {@code text}, the delimiter ({@code symlink}, {@code dangling}, {@code loop},
     * {@code notdir}: git ignores the format for them), and flushes.
     */
    void symlinkRecord(String kind, long length, byte[] text) throws IOException {
        out.write((kind + " " + length).getBytes(StandardCharsets.US_ASCII));
        out.write(fmt.delimiter);
        out.write(text);
        out.write(fmt.delimiter);
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
            out.write(fmt.delimiter);
        }
    }
}
