package io.github.smmap4j.pack;

/**
 * An object's type and size, read without inflating its content.
 *
 * @param type the object type
 * @param size the object size in bytes
 */
public record ObjectHeader(ObjectType type, long size) {
}
