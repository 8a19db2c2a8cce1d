package io.github.smmap4j.pack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache of inflated delta bases, keyed by (pack, offset) and
 * sized in bytes. Shared by all readers of a database; thread-safe.
 */
final class DeltaBaseCache {
    /** A cached object: its type and content. */
    record Entry(ObjectType type, byte[] data) {
    }

    private final long maxBytes;
    private final LinkedHashMap<Long, Entry> map = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    DeltaBaseCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Returns the configured size limit in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    private static long key(int packId, long offset) {
        // Pack offsets stay below 2^44 (16 TiB); 20 bits of pack number are plenty.
        return ((long) packId << 44) | offset;
    }

    Entry get(int packId, long offset) {
        if (maxBytes <= 0) {
            return null;
        }
        synchronized (map) {
            return map.get(key(packId, offset));
        }
    }

    void put(int packId, long offset, ObjectType type, byte[] data) {
        // An object larger than a quarter of the cache would flush everything else for one hit.
        if (data.length > maxBytes / 4) {
            return;
        }
        synchronized (map) {
            Entry old = map.put(key(packId, offset), new Entry(type, data));
            if (old != null) {
                bytes -= old.data.length;
            }
            bytes += data.length;
            var it = map.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<Long, Entry> e = it.next();
                bytes -= e.getValue().data.length;
                it.remove();
            }
        }
    }

    long bytes() {
        synchronized (map) {
            return bytes;
        }
    }

    void clear() {
        synchronized (map) {
            map.clear();
            bytes = 0;
        }
    }
}
