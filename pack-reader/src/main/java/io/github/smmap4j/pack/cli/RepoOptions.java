package io.github.smmap4j.pack.cli;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.StaticWindowMapManager;
import io.github.smmap4j.pack.CorruptPackException;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectFormat;
import io.github.smmap4j.pack.ReplaceRefs;
import io.github.smmap4j.pack.Revision;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every reading command shares: where the repository is ({@code -C},
 * {@code --git-dir}) and how the map manager and base cache are set up ({@code --window-size},
 * {@code --map-limit}, {@code --static}, {@code --base-cache}); opens the manager and database
 * (as git: a pack that cannot be used is reported on stderr and left out), finds where in the
 * work tree the command runs, and sets up revision parsing with git's replace-refs rules.
 */
final class RepoOptions implements AutoCloseable {
    /** git's variable that turns replace refs off (any value), as {@code git --no-replace-objects} does. */
    static final String NO_REPLACE_OBJECTS = "GIT_NO_REPLACE_OBJECTS";
    /** git's variable naming the ref namespace of replacements instead of {@code refs/replace/}. */
    static final String REPLACE_REF_BASE = "GIT_REPLACE_REF_BASE";

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
    /** The working directory relative to the work tree's top ("" or ending in '/'), null outside one. */
    private String prefix;

    /** Where the errors of packs left out go, as git's; null: a pack that cannot be used fails the open. */
    private final java.io.PrintStream err;
    private final java.util.Map<String, String> env;
    /** Where the database's warnings go (a damaged multi-pack-index ignored), or null: nowhere. */
    private PrintStream warnings;

    RepoOptions(Path cwd) {
        this.cwd = cwd;
        this.err = null;
        this.env = System.getenv();
    }

    /**
     * Options resolved against the CLI's working directory and environment ({@code GIT_DIR}),
     * packs read as git's commands read them: one that cannot be used is reported on the CLI's
     * stderr and left out (its objects missing).
     */
    RepoOptions(Cli cli) {
        this.cwd = cli.cwd();
        this.err = cli.err();
        this.env = cli.env();
        this.warnings = cli.err(); // a damaged multi-pack-index ignored: a warning, as git's
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
        if (explicit == null && env.get("GIT_DIR") != null && dashC == null) {
            explicit = cwd.resolve(env.get("GIT_DIR"));
        }
        if (explicit != null) {
            try {
                db = build(explicit);
            } catch (FileNotFoundException e) {
                throw CliException.fatal("not a git repository: '" + explicit + "'");
            }
            prefix = bare(db) ? null : ""; // git: the current directory is the top of the work tree
            return reportPackErrors(db);
        }
        Path start = workDir().toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            try {
                db = build(dir);
            } catch (FileNotFoundException e) {
                continue; // not here: look in the parent, as git's discovery does
            }
            boolean workTree = Files.exists(dir.resolve(".git")) && !bare(db);
            String rel = dir.relativize(start).toString();
            prefix = !workTree ? null : rel.isEmpty() ? "" : rel + "/";
            return reportPackErrors(db);
        }
        throw CliException.fatal("not a git repository (or any of the parent directories): .git");
    }

    private static boolean bare(ObjectDatabase db) throws IOException {
        return db.config().getBoolean("core.bare", false);
    }

    /** git reports a pack it cannot use (and goes on without it): "error: ..." on stderr. */
    private ObjectDatabase reportPackErrors(ObjectDatabase opened) {
        if (err != null) {
            for (CorruptPackException e : opened.packErrors()) {
                err.println("error: " + e.getMessage());
            }
        }
        return opened;
    }

    /**
     * The revision parser of the opened repository as git's commands set it up: relative paths
     * against the working directory's place in the work tree and, when {@code replace} and not
     * turned off ({@code GIT_NO_REPLACE_OBJECTS} or {@code --no-replace-objects},
     * {@code core.useReplaceRefs=false}), the replace refs under {@code GIT_REPLACE_REF_BASE}
     * (default {@code refs/replace/}).
     */
    Revision revision(Cli cli, boolean replace) throws IOException {
        ObjectDatabase d = open();
        Revision r = new Revision(d).withWorkTreePrefix(prefix);
        if (replace && !cli.env().containsKey(NO_REPLACE_OBJECTS) && d.config().getBoolean("core.usereplacerefs", true)) {
            r.withReplaceRefs(ReplaceRefs.lazy(d, cli.env().getOrDefault(REPLACE_REF_BASE, ReplaceRefs.DEFAULT_BASE)));
        }
        return r;
    }

    private ObjectDatabase build(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException(dir.toString());
        }
        ObjectDatabase.Builder b = ObjectDatabase.builder(dir).mapManager(manager()).deltaBaseCache(baseCache)
                .lenientPacks(err != null);
        if (warnings != null) {
            PrintStream sink = warnings;
            b.warnings(message -> sink.println("warning: " + message));
        }
        return b.build();
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
