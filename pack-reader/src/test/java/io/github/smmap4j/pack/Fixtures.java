package io.github.smmap4j.pack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** The fixture repositories of {@code testdata/repos}, extracted once per JVM into a temp dir. */
public final class Fixtures {
    /** Every fixture archive name (without {@code .tar.gz}). */
    public static final List<String> ALL = List.of("history", "idxv1", "idx64", "refdelta", "deepchain",
            "multipack", "sha256", "bigblob", "loose");
    /** Fixtures that JGit can read (SHA-1). */
    static final List<String> SHA1 = ALL.stream().filter(n -> !n.equals("sha256")).toList();

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
    private static Path root;

    private Fixtures() {
    }

    /** Returns the project's {@code testdata} directory, found upwards from the working directory. */
    static Path testdata() {
        Path p = Path.of("").toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata").resolve("repos"))) {
                return p.resolve("testdata");
            }
        }
        throw new IllegalStateException("testdata/repos not found above " + Path.of("").toAbsolutePath());
    }

    /** Returns the project's root directory (holding testdata/). */
    static Path projectRoot() {
        return testdata().getParent();
    }

    /** Returns the bare git directory {@code <name>.git} of fixture {@code name}, extracting it on first use. */
    public static Path repo(String name) {
        return EXTRACTED.computeIfAbsent(name, n -> {
            try {
                return extract(n).resolve(n + ".git");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Extracts fixture {@code name} into a fresh directory (for tests that modify it) and returns that directory. */
    static Path extractFresh(String name) throws IOException {
        Path dir = Files.createTempDirectory(base(), name + "-");
        untar(testdata().resolve("repos").resolve(name + ".tar.gz"), dir);
        return dir;
    }

    private static synchronized Path base() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("smmap4j-fixtures-");
            Path r = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(r)));
        }
        return root;
    }

    private static Path extract(String name) throws IOException {
        Path dir = base().resolve(name);
        Files.createDirectories(dir);
        untar(testdata().resolve("repos").resolve(name + ".tar.gz"), dir);
        return dir;
    }

    static void untar(Path archive, Path dest) throws IOException {
        try (InputStream f = new BufferedInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(f))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path out = dest.resolve(e.getName()).normalize();
                if (!out.startsWith(dest)) {
                    throw new IOException("archive entry escapes its directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    try {
                        Files.setPosixFilePermissions(out, Set.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at shutdown
        }
    }
}
