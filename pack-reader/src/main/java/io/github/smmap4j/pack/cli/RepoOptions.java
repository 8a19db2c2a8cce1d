package io.github.smmap4j.pack.cli;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.StaticWindowMapManager;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every reading command shares: where the repository is ({@code -C},
 * {@code --git-dir}) and how the map manager and base cache are set up ({@code --window-size},
 * {@code --map-limit}, {@code --static}, {@code --base-cache}); opens the manager and database.
 */
final class RepoOptions implements AutoCloseable {
    static final String HELP = """
            Repository and memory-map options (every reading command):
                -C <path>             look for the repository in <path> (like git -C)
                --git-dir <path>      use the repository at <path> exactly
                --window-size <n>     sliding window size (e.g. 64m; 0 maps whole files)
                --map-limit <n>       limit of mapped bytes (e.g. 1g)
                --static              map each file whole, once (StaticWindowMapManager)
                --base-cache <n>      delta base cache size (e.g. 32m; 0 disables it)
            """;

    private final Path cwd;
    private Path dashC;
    private Path gitDir;
    private long windowSize = -1;
    private long mapLimit = -1;
    private boolean staticMaps;
    private long baseCache = ObjectDatabase.DEFAULT_BASE_CACHE;
    private MapManager manager;
    private ObjectDatabase db;

    RepoOptions(Path cwd) {
        this.cwd = cwd;
    }

    /** Consumes the current argument if it is one of the shared options. */
    boolean accept(Args a) {
        if (a.isValued("-C") && a.current().equals("-C")) {
            dashC = cwd.resolve(a.value());
        } else if (a.isValued("--git-dir")) {
            gitDir = cwd.resolve(a.value());
        } else if (a.isValued("--window-size")) {
            windowSize = Args.size("--window-size", a.value());
        } else if (a.isValued("--map-limit")) {
            mapLimit = Args.size("--map-limit", a.value());
            if (mapLimit == 0) {
                throw CliException.fatal("--map-limit must be positive");
            }
        } else if (a.is("--static")) {
            staticMaps = true;
        } else if (a.isValued("--base-cache")) {
            baseCache = Args.size("--base-cache", a.value());
        } else {
            return false;
        }
        return true;
    }

    /** The directory relative paths are resolved against: {@code -C} or the working directory. */
    Path workDir() {
        return dashC != null ? dashC : cwd;
    }

    /** Returns the manager, made on first use from the options. */
    MapManager manager() {
        if (manager == null) {
            if (staticMaps) {
                StaticWindowMapManager.Builder b = StaticWindowMapManager.builder();
                if (mapLimit > 0) {
                    b.maxMappedMemory(mapLimit);
                }
                manager = b.build();
            } else {
                SlidingWindowMapManager.Builder b = SlidingWindowMapManager.builder();
                if (windowSize >= 0) {
                    b.windowSize(windowSize);
                }
                if (mapLimit > 0) {
                    b.maxMappedMemory(mapLimit);
                }
                manager = b.build();
            }
        }
        return manager;
    }

    /** Finds and opens the repository as git would, or fails with git's message. */
    ObjectDatabase open() throws IOException {
        if (db != null) {
            return db;
        }
        if (dashC != null && !Files.isDirectory(dashC)) {
            throw CliException.fatal("cannot change to '" + dashC + "': No such file or directory");
        }
        Path explicit = gitDir;
        if (explicit == null && System.getenv("GIT_DIR") != null && dashC == null) {
            explicit = cwd.resolve(System.getenv("GIT_DIR"));
        }
        if (explicit != null) {
            try {
                db = build(explicit);
            } catch (FileNotFoundException e) {
                throw CliException.fatal("not a git repository: '" + explicit + "'");
            }
            return db;
        }
        for (Path dir = workDir().toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            try {
                db = build(dir);
                return db;
            } catch (FileNotFoundException e) {
                // not here: look in the parent, as git's discovery does
            }
        }
        throw CliException.fatal("not a git repository (or any of the parent directories): .git");
    }

    private ObjectDatabase build(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException(dir.toString());
        }
        return ObjectDatabase.builder(dir).mapManager(manager()).deltaBaseCache(baseCache).build();
    }

    /** Returns the repository's object format if one can be found from the working directory, else null. */
    ObjectFormat formatOrNull() {
        try {
            return open().format();
        } catch (IOException | CliException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
