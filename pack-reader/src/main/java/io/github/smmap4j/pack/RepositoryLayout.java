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
        return find(repo, DatabaseOptions.DEFAULT_MAX_METADATA_FILE);
    }

    /** Finds the repository at {@code repo}, reading a {@code .git} file or alternates file only up to {@code maxFile} bytes. */
    static RepositoryLayout find(Path repo, long maxFile) throws IOException {
        Path r = repo.toAbsolutePath().normalize();
        Path gitDir;
        Path objects;
        if (Files.isDirectory(r.resolve(".git").resolve("objects"))) {
            gitDir = r.resolve(".git");
            objects = gitDir.resolve("objects");
        } else if (Files.isRegularFile(r.resolve(".git"))) {
            gitDir = gitFileTarget(r, maxFile);
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
        collectAlternates(objects, dirs, 0, maxFile);
        return new RepositoryLayout(gitDir, List.copyOf(dirs));
    }

    private static Path gitFileTarget(Path workTree, long maxFile) throws IOException {
        String s = utf8(Limits.readWhole(workTree.resolve(".git"), maxFile)).strip();
        if (!s.startsWith("gitdir:")) {
            throw new FileNotFoundException("not a git repository: " + workTree + " (bad .git file)");
        }
        return workTree.resolve(s.substring(7).strip()).normalize();
    }

    /** Decodes {@code b} as UTF-8, refusing malformed bytes as {@code Files.readString} does. */
    private static String utf8(byte[] b) throws java.nio.charset.CharacterCodingException {
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
    }

    private static void collectAlternates(Path objects, Set<Path> out, int depth, long maxFile) throws IOException {
        Path real = objects.toRealPath();
        if (!out.add(real) || depth > MAX_ALTERNATE_DEPTH) {
            return;
        }
        Path alt = real.resolve("info").resolve("alternates");
        if (!Files.isRegularFile(alt)) {
            return;
        }
        for (String line : utf8(Limits.readWhole(alt, maxFile)).lines().toList()) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            Path p = real.resolve(s).normalize();
            if (Files.isDirectory(p)) {
                collectAlternates(p, out, depth + 1, maxFile);
            }
        }
    }
}
