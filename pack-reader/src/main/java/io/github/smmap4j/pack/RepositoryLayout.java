package io.github.smmap4j.pack;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a repository's objects are: the git directory and the object directories searched (its
 * own {@code objects/}, then those of {@code objects/info/alternates}, nested at most
 * {@link #MAX_ALTERNATE_DEPTH} deep as in git), found from a work tree, a {@code .git}
 * directory or file, a bare repository or an objects directory.
 *
 * @param gitDir     the git directory (or the objects directory's parent)
 * @param objectDirs this repository's objects directory, then its alternates', real paths
 */
record RepositoryLayout(Path gitDir, List<Path> objectDirs) {
    /** Alternates nest at most this deep, as in git. */
    static final int MAX_ALTERNATE_DEPTH = 5;

    /**
     * Finds the repository at {@code repo}.
     *
     * @throws FileNotFoundException if {@code repo} is not a git repository
     */
    static RepositoryLayout find(Path repo) throws IOException {
        Path r = repo.toAbsolutePath().normalize();
        Path gitDir;
        Path objects;
        if (Files.isDirectory(r.resolve(".git").resolve("objects"))) {
            gitDir = r.resolve(".git");
            objects = gitDir.resolve("objects");
        } else if (Files.isRegularFile(r.resolve(".git"))) {
            gitDir = gitFileTarget(r);
            objects = gitDir.resolve("objects");
        } else if (Files.isDirectory(r.resolve("objects")) && Files.exists(r.resolve("HEAD"))) {
            gitDir = r;
            objects = r.resolve("objects");
        } else if (Files.isDirectory(r.resolve("pack")) && r.getFileName() != null
                && r.getFileName().toString().equals("objects")) {
            gitDir = r.getParent();
            objects = r;
        } else {
            throw new FileNotFoundException("not a git repository (or objects directory): " + r);
        }
        Set<Path> dirs = new LinkedHashSet<>();
        collectAlternates(objects, dirs, 0);
        return new RepositoryLayout(gitDir, List.copyOf(dirs));
    }

    private static Path gitFileTarget(Path workTree) throws IOException {
        String s = Files.readString(workTree.resolve(".git")).strip();
        if (!s.startsWith("gitdir:")) {
            throw new FileNotFoundException("not a git repository: " + workTree + " (bad .git file)");
        }
        return workTree.resolve(s.substring(7).strip()).normalize();
    }

    private static void collectAlternates(Path objects, Set<Path> out, int depth) throws IOException {
        Path real = objects.toRealPath();
        if (!out.add(real) || depth > MAX_ALTERNATE_DEPTH) {
            return;
        }
        Path alt = real.resolve("info").resolve("alternates");
        if (!Files.isRegularFile(alt)) {
            return;
        }
        for (String line : Files.readAllLines(alt)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            Path p = real.resolve(s).normalize();
            if (Files.isDirectory(p)) {
                collectAlternates(p, out, depth + 1);
            }
        }
    }
}
