package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding a repository's objects: from a work tree, its {@code .git} directory or a
 * {@code gitdir:} file, a bare repository or an objects directory; alternates in order, relative
 * paths, nesting bounded and cycles cut.
 */
class RepositoryLayoutTest {
    private static Path bare(Path at) throws IOException {
        Files.createDirectories(at.resolve("objects/pack"));
        Files.writeString(at.resolve("HEAD"), "ref: refs/heads/main\n");
        return at;
    }

    @Test
    void everyWayOfNamingARepositoryFindsTheSameObjects(@TempDir Path tmp) throws IOException {
        Path gitDir = bare(tmp.resolve("work/.git"));
        Path objects = gitDir.resolve("objects").toRealPath();
        for (Path p : List.of(tmp.resolve("work"), gitDir, gitDir.resolve("objects"))) {
            RepositoryLayout l = RepositoryLayout.find(p);
            assertEquals(gitDir.toAbsolutePath().normalize(), l.gitDir().toAbsolutePath().normalize(), p.toString());
            assertEquals(List.of(objects), l.objectDirs(), p.toString());
        }
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.writeString(linked.resolve(".git"), "gitdir: ../work/.git\n");
        assertEquals(List.of(objects), RepositoryLayout.find(linked).objectDirs());
        Files.writeString(linked.resolve(".git"), "not a gitdir line\n");
        assertThrows(FileNotFoundException.class, () -> RepositoryLayout.find(linked));
        assertThrows(FileNotFoundException.class, () -> RepositoryLayout.find(Files.createDirectories(tmp.resolve("empty"))));
    }

    @Test
    void alternatesInOrderRelativeBoundedAndWithoutCycles(@TempDir Path tmp) throws IOException {
        Path[] repos = new Path[8];
        for (int i = 0; i < repos.length; i++) {
            repos[i] = bare(tmp.resolve("r" + i));
        }
        for (int i = 0; i + 1 < repos.length; i++) { // r0 -> r1 -> ... -> r7 (relative), r1 also -> r0 (a cycle)
            String alt = "# comment\n\n../../r" + (i + 1) + "/objects\n" + (i == 1 ? "../../r0/objects\n" : "");
            Files.createDirectories(repos[i].resolve("objects/info"));
            Files.writeString(repos[i].resolve("objects/info/alternates"), alt);
        }
        List<Path> dirs = RepositoryLayout.find(repos[0]).objectDirs();
        assertEquals(RepositoryLayout.MAX_ALTERNATE_DEPTH + 2, dirs.size(), dirs.toString()); // own + depth 0..5 nested
        for (int i = 0; i < dirs.size(); i++) {
            assertEquals(repos[i].resolve("objects").toRealPath(), dirs.get(i));
        }
    }
}
