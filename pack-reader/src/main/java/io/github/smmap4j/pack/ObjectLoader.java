package io.github.smmap4j.pack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A loaded object: its type, size and content (held in memory, or streamed when large). */
public final class ObjectLoader {
    /** Opens a fresh stream over a large object's content. */
    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }

    /** Up to this size, {@link #bytes()} allocates the declared size at once; above, it grows as it reads. */
    private static final long TRUSTED_ALLOCATION = 64L << 20;

    private final ObjectId id;
    private final ObjectType type;
    private final long size;
    private final byte[] data;          // null for large objects
    private final StreamOpener opener;  // null for small objects

    ObjectLoader(ObjectId id, ObjectType type, byte[] data) {
        this.id = id;
        this.type = type;
        this.size = data.length;
        this.data = data;
        this.opener = null;
    }

    ObjectLoader(ObjectId id, ObjectType type, long size, StreamOpener opener) {
        this.id = id;
        this.type = type;
        this.size = size;
        this.data = null;
        this.opener = opener;
    }

    /** Returns the object's id. */
    public ObjectId id() {
        return id;
    }

    /** Returns the object's type. */
    public ObjectType type() {
        return type;
    }

    /** Returns the object's size in bytes. */
    public long size() {
        return size;
    }

    /** Returns true if the content is not held in memory; read it with {@link #openStream()}. */
    public boolean isLarge() {
        return data == null;
    }

    /**
     * Returns the content. The array belongs to the caller for small objects; a large object is
     * read into a new array, which fails if it exceeds the largest Java array.
     */
    public byte[] bytes() throws IOException {
        if (data != null) {
            return data;
        }
        if (size > Limits.MAX_ARRAY) {
            throw new IOException("object " + id.name() + " of " + size + " bytes is too large for an array; use openStream()");
        }
        try (InputStream in = opener.open()) {
            if (size <= TRUSTED_ALLOCATION) {
                byte[] out = new byte[(int) size];
                int n = in.readNBytes(out, 0, out.length);
                if (n != out.length) {
                    throw new IOException("object " + id.name() + " ended after " + n + " of " + size + " bytes");
                }
                checkEnd(in);
                return out;
            }
            // A declared size may be a lie: let the array grow with what the data really yields.
            byte[] out = in.readNBytes((int) size);
            if (out.length != size) {
                throw new IOException("object " + id.name() + " ended after " + out.length + " of " + size + " bytes");
            }
            checkEnd(in);
            return out;
        }
    }

    /** Past the declared size a stream must end (its own check of the data's end runs here). */
    private void checkEnd(InputStream in) throws IOException {
        if (in.read() >= 0) {
            throw new IOException("object " + id.name() + " is longer than its declared " + size + " bytes");
        }
    }

    /** Opens a stream over the content; for large objects it reads from the pack as it goes. */
    public InputStream openStream() throws IOException {
        return data != null ? new ByteArrayInputStream(data) : opener.open();
    }

    /** Hands the object to {@code visitor}: its bytes, or a stream the visitor closes when it is large. */
    void visitBy(ObjectVisitor visitor) throws IOException {
        if (isLarge()) {
            visitor.visit(id, type, size, null, openStream());
        } else {
            byte[] b = bytes();
            visitor.visit(id, type, b.length, b, null);
        }
    }

    @Override
    public String toString() {
        return type + " " + id.name() + " (" + size + " bytes)";
    }
}
