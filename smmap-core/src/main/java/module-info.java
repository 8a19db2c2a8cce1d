/**
 * smmap-core: a sliding-window memory-map manager. Maps windows of files as FFM
 * {@link java.lang.foreign.MemorySegment}s, pins them while cursors use them, and unmaps
 * least-recently-used windows deterministically under a memory and a region-count limit.
 */
module io.github.smmap4j.core {
    exports io.github.smmap4j.core;
}
