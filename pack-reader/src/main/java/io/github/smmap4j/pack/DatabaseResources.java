package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What an open {@link ObjectDatabase} holds, opened in order and closed in reverse: the
 * repository's layout and config (its format checked as git checks it), the map manager (closed
 * with the database only if the database made it), the {@link Storage} its readers share and the
 * pool of readers for its own calls. Thread-safe: all final but {@link #closed}, which is volatile.
 */
final class DatabaseResources {
    final RepositoryLayout layout;
    final GitConfig config;
    /** The settings it was opened with (a copy: the builder may be used again). */
    final DatabaseOptions options;
    final MapManager manager;
    private final boolean ownsManager;
    final Storage storage;
    final ReaderPool pool;
    private volatile boolean closed;

    private DatabaseResources(DatabaseOptions o, RepositoryLayout layout, GitConfig config, ObjectFormat format,
                              boolean readMidx) throws IOException {
        this.layout = layout;
        this.config = config;
        this.options = o;
        this.ownsManager = o.manager == null;
        this.manager = ownsManager ? o.newManager() : o.manager;
        this.storage = o.storage(manager, layout.objectDirs(), format, readMidx);
        this.pool = new ReaderPool(storage);
        try {
            storage.packs().rescan();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens the repository at {@code repo} under {@code o}: finds its layout, reads its config,
     * checks its format as git does (see {@link ObjectDatabase.Builder#build}), then makes the
     * manager, the storage and the pool and scans the packs once.
     */
    static DatabaseResources open(Path repo, DatabaseOptions o) throws IOException {
        RepositoryLayout layout = RepositoryLayout.find(repo, o.maxMetadataFile);
        GitConfig config = GitConfig.read(layout.gitDir().resolve("config"), o.maxMetadataFile);
        ObjectFormat declared = RepositoryFormat.check(config);
        boolean readMidx = o.multiPackIndex != null ? o.multiPackIndex : config.getBoolean("core.multiPackIndex", true);
        return new DatabaseResources(o.copy(), layout, config, o.format != null ? o.format : declared, readMidx);
    }

    /** Throws {@link IllegalStateException} if {@link #close} was called. */
    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("object database " + layout.gitDir() + " is closed");
        }
    }

    /** Closes the pool's readers, every pack, the base cache, and the manager if it was made here; once. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        storage.packs().close();
        storage.cache().clear();
        if (ownsManager) {
            manager.close();
        }
    }
}
