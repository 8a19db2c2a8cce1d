package io.github.smmap4j.core;

/**
 * A snapshot of a manager's state and counters.
 *
 * @param openFiles       files that currently have at least one mapped region
 * @param openRegions     regions currently mapped
 * @param mappedBytes     bytes currently mapped
 * @param windowSize      window size of a sliding manager; 0 for whole-file mapping
 * @param maxMappedMemory configured limit of mapped bytes
 * @param maxOpenRegions  configured limit of mapped regions
 * @param regionHits      cursor moves served by a region that was already mapped
 * @param regionMaps      regions mapped (cache misses)
 * @param regionUnmaps    regions unmapped (evicted, collected, stale)
 * @param limitOverruns   mappings made although a limit was exceeded because every region was in use
 * @param mapRetries      mappings that failed once and were retried after {@code collect()}
 * @param staleFiles      times a file was found replaced or resized and its old regions retired
 * @param readThroughs    copies ({@link WindowCursor#copyTo}) served by a positional read instead of
 *                        a map, because mapping the window would have evicted another (map pressure)
 */
public record ManagerStats(
        int openFiles,
        int openRegions,
        long mappedBytes,
        long windowSize,
        long maxMappedMemory,
        int maxOpenRegions,
        long regionHits,
        long regionMaps,
        long regionUnmaps,
        long limitOverruns,
        long mapRetries,
        long staleFiles,
        long readThroughs) {
}
