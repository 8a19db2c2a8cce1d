package io.github.smmap4j.pack;

/**
 * What every reader of one database shares, handed down to them when they are made: the packs,
 * the loose objects, the delta base cache and the limits. Readers call down into these, never
 * back into the {@link ObjectDatabase}.
 *
 * @param packs           the pack directories
 * @param loose           the loose object directories
 * @param cache           the delta base cache
 * @param format          the object format
 * @param streamThreshold objects above this size are streamed
 * @param maxObjectSize   objects and deltas above this size are refused
 */
record Storage(PackDirectory packs, LooseObjects loose, DeltaBaseCache cache, ObjectFormat format,
               long streamThreshold, long maxObjectSize) {
}
