package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives objects of a bulk traversal: {@link ObjectReader#walkPackOrder} (on the calling
 * thread) and {@link ObjectDatabase#forEachObjectInAnyOrder} (on the traversal's threads,
 * concurrently: a visitor given to it must be thread-safe).
 */
@FunctionalInterface
public interface ObjectVisitor {
    /**
     * Called once per object with its id, type and size. {@code data[0, size)} is the content,
     * valid only during the call (the traversal may reuse or keep the array; do not modify it).
     * An object above the stream threshold comes as {@code large} instead ({@code data} is
     * null), a stream of {@code size} bytes the visitor must close.
     */
    void visit(ObjectId id, ObjectType type, long size, byte[] data, InputStream large) throws IOException;
}
