package io.github.smmap4j.pack;

/**
 * What {@code git cat-file --batch-check} can print of an object.
 *
 * @param id        the object id
 * @param type      the object type
 * @param size      the object size in bytes
 * @param diskSize  bytes it occupies on disk: packed entry length, or loose file size
 * @param deltaBase the delta base id if stored as a delta, else the all-zero id
 */
public record ObjectInfo(ObjectId id, ObjectType type, long size, long diskSize, ObjectId deltaBase) {
}
