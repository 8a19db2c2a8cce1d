package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The multi-pack-index files of a database: each one is opened and its layout checked
 * ({@link MultiPackIndex#open}; its content is checked later, once, when first needed) and kept
 * while it is unchanged on disk (size, file key, modification time, as for packs), so a rescan
 * reuses it, content check included. A file whose layout is wrong is refused with one warning
 * per version of it. A file replaced or no longer used is retired, not closed: lock-free lookups
 * may still be inside it; everything is closed with the database. Thread-safe.
 */
final class MidxFiles {
    private final MapManager manager;
    private final ObjectFormat format;
    private final Consumer<String> warnings;
    private final int maxObjectCount;
    private final int maxLayers;
    private final Map<Path, Opened> byPath = new HashMap<>();
    private final List<MultiPackIndex> retired = new ArrayList<>();

    /** One version of a file: its attributes when opened, and the index (null if refused). */
    private record Opened(FileStamp seen, MultiPackIndex midx) {
    }

    MidxFiles(MapManager manager, ObjectFormat format, Consumer<String> warnings) {
        this(manager, format, warnings, Integer.MAX_VALUE, DatabaseOptions.DEFAULT_MAX_MIDX_LAYERS);
    }

    /** With the database's caps: objects in one file, layers of a chain used. */
    MidxFiles(MapManager manager, ObjectFormat format, Consumer<String> warnings, int maxObjectCount, int maxLayers) {
        this.manager = manager;
        this.format = format;
        this.warnings = warnings;
        this.maxObjectCount = maxObjectCount;
        this.maxLayers = maxLayers;
    }

    /** Returns how many layers of a chain may be used. */
    int maxLayers() {
        return maxLayers;
    }

    /** Returns the object format the files must have. */
    ObjectFormat format() {
        return format;
    }

    /** Returns the usable multi-pack-index at {@code file}, or null if there is none or it was refused. */
    synchronized MultiPackIndex get(Path file) {
        FileStamp now;
        try {
            now = FileStamp.of(file);
        } catch (IOException e) {
            drop(file); // absent (or unreadable, as git sees it: no multi-pack-index)
            return null;
        }
        Opened o = byPath.get(file);
        if (o != null && o.seen.equals(now)) {
            return o.midx;
        }
        drop(file);
        MultiPackIndex m = null;
        try {
            m = MultiPackIndex.open(manager, file, format);
            try {
                m.checkCount(maxObjectCount);
            } catch (CorruptPackException e) {
                m.close();
                m = null;
                throw e;
            }
        } catch (IOException | RuntimeException | InternalError e) { // InternalError: truncated while mapped
            warn(e.getMessage() + " (multi-pack-index ignored)");
        }
        byPath.put(file, new Opened(now, m));
        return m;
    }

    /** Reports a file that is not used, and why. */
    void warn(String message) {
        warnings.accept(message);
    }

    private void drop(Path file) {
        Opened o = byPath.remove(file);
        if (o != null && o.midx != null) {
            retired.add(o.midx);
        }
    }

    /** Retires every file not in {@code used}: what the last scan no longer needs. */
    synchronized void retainOnly(Set<Path> used) {
        for (Iterator<Map.Entry<Path, Opened>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Opened> e = it.next();
            if (!used.contains(e.getKey())) {
                if (e.getValue().midx != null) {
                    retired.add(e.getValue().midx);
                }
                it.remove();
            }
        }
    }

    /** Returns a file in use that changed on disk since it was opened, or null (for fault reports). */
    synchronized Path changedFile() {
        for (Map.Entry<Path, Opened> e : byPath.entrySet()) {
            if (e.getValue().midx != null && !e.getValue().seen.matches(e.getKey())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Closes every file, current and retired. */
    synchronized void close() {
        for (Opened o : byPath.values()) {
            if (o.midx != null) {
                o.midx.close();
            }
        }
        for (MultiPackIndex m : retired) {
            m.close();
        }
        byPath.clear();
        retired.clear();
    }
}
