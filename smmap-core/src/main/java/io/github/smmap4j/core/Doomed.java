package io.github.smmap4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What one locked section of the {@link RegionManager} took out of the bookkeeping: regions to
 * unmap and read-through descriptors to close. Filled under the manager's lock, emptied by the same
 * thread after releasing it ({@code RegionManager.afterLock}), because unmapping a shared arena
 * is a handshake with every thread and closing a descriptor is file I/O. Confined to one thread.
 */
final class Doomed {
    /** Confined: regions marked unmapped, their arenas not closed yet. */
    final List<MapRegion> regions = new ArrayList<>(2);
    /** Confined: file versions whose read-through descriptor is to be closed. */
    final List<MapRegionList> channels = new ArrayList<>(1);

    /** Appends a region marked unmapped. */
    void add(MapRegion r) {
        regions.add(r);
    }

    /** Appends a file version whose read-through descriptor is to be closed. */
    void closeChannel(MapRegionList file) {
        channels.add(file);
    }

    int size() {
        return regions.size();
    }
}
