package io.github.smmap4j.pack.cli;

import static io.github.smmap4j.pack.cli.CliGoldenTest.FULL;
import static io.github.smmap4j.pack.cli.CliGoldenTest.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.MidxRepo;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other files git 2.39 leaves in {@code objects/pack} (issue 13 item 4), each in a
 * repository made at test time by git itself: a {@code .keep} pack kept out of a full repack, a
 * cruft pack with its {@code .mtimes}, a pack {@code .bitmap}, multi-pack-index bitmaps (the
 * file's {@code BTMP}/{@code RIDX} chunks), {@code .rev} files of a SHA-1 and of a SHA-256
 * repository, and a partial clone's {@code .promisor} packs with blobs absent. On each, every
 * {@code --batch-all-objects} listing, names from stdin, single objects, {@code verify-pack -v},
 * {@code show-index} and {@code multi-pack-index verify} against git byte for byte and by exit
 * code. In the partial clone, absent objects are compared with git unable to fetch (its remote
 * gone): this tool never fetches.
 */
class CliPackSideFilesTest {
    @TempDir
    static Path tmp;
    /** Each repository's work tree (or git directory), by what it shows. */
    static final Map<String, Path> REPOS = new LinkedHashMap<>();
    /** Blobs the partial clone lacks (its remote promised them). */
    static List<String> absent;

    @BeforeAll
    static void makeRepositories() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
        TestRepo src = history(TestRepo.init(tmp, "src"));
        src.git("config", "uploadpack.allowFilter", "true");

        TestRepo keep = copyOf(src, "keep");
        Path kept = MidxRepo.files(keep.gitDir.resolve("objects/pack"), ".pack").getFirst();
        Files.writeString(kept.resolveSibling(kept.getFileName().toString().replace(".pack", ".keep")), "");
        keep.git("repack", "-a", "-d", "-q"); // the kept pack stays, the rest goes into a new one
        REPOS.put("keep", keep.dir);

        TestRepo cruft = copyOf(src, "cruft");
        cruft.git("checkout", "-q", "-b", "doomed");
        for (int i = 0; i < 3; i++) {
            cruft.write("doomed" + i + ".txt", "unreachable " + i + "\n");
            cruft.git("add", "-A");
            cruft.git("commit", "-q", "-m", "doomed " + i);
        }
        cruft.git("checkout", "-q", "main");
        cruft.git("branch", "-q", "-D", "doomed");
        cruft.git(TestRepo.bytes("a dangling blob\n"), "hash-object", "-w", "--stdin");
        cruft.git("reflog", "expire", "--expire=all", "--all");
        cruft.git("-c", "gc.pruneExpire=never", "gc", "--cruft", "-q");
        REPOS.put("cruft", cruft.dir);

        TestRepo bitmap = copyOf(src, "bitmap");
        bitmap.git("repack", "-a", "-d", "-b", "-q");
        REPOS.put("bitmap", bitmap.dir);

        TestRepo midxBitmap = copyOf(src, "midx-bitmap");
        midxBitmap.git("repack", "-d", "-q"); // the loose objects into a third pack
        midxBitmap.git("multi-pack-index", "write", "--bitmap");
        REPOS.put("midx-bitmap", midxBitmap.dir);

        TestRepo repackMidx = copyOf(src, "repack-midx");
        repackMidx.git("repack", "-a", "-d", "-q", "--write-midx", "--write-bitmap-index");
        REPOS.put("repack-midx", repackMidx.dir);

        TestRepo rev = copyOf(src, "rev");
        rev.git("-c", "pack.writeReverseIndex=true", "repack", "-a", "-d", "-q");
        REPOS.put("rev-sha1", rev.dir);

        Path s = tmp.resolve("sha256");
        TestRepo.run(tmp, null, "init", "-q", "-b", "main", "--object-format=sha256", s.toString());
        TestRepo sha256 = history(TestRepo.at(s));
        sha256.git("-c", "pack.writeReverseIndex=true", "repack", "-a", "-d", "-q");
        sha256.write("late.txt", "a loose blob\n");
        sha256.git("add", "late.txt");
        sha256.git("commit", "-q", "-m", "late");
        sha256.git("-c", "pack.writeReverseIndex=true", "repack", "-d", "-q", "--write-midx", "--write-bitmap-index");
        REPOS.put("rev-sha256", sha256.dir);

        // A blobless clone over file:// (a local clone would copy everything): a promisor pack of
        // commits and trees, and one of the blobs the checkout fetched. Then the remote goes
        // away, so that git cannot fetch the rest either.
        TestRepo.run(tmp, null, "clone", "-q", "--no-local", "--filter=blob:none", src.dir.toUri().toString(),
                tmp.resolve("partial").toString());
        TestRepo partial = TestRepo.at(tmp.resolve("partial"));
        partial.git("config", "remote.origin.url", tmp.resolve("no-such-remote").toUri().toString());
        REPOS.put("partial", partial.dir);
        List<String> all = List.of(src.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split("\n"));
        List<String> have = List.of(partial.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split("\n"));
        absent = all.stream().filter(id -> !have.contains(id)).toList();
    }

    /** 12 commits of three files (the first 8 in two packs, the rest loose), tag {@code v1.0} on the 5th. */
    static TestRepo history(TestRepo r) {
        r.git("config", "gc.auto", "0");
        r.git("config", "pack.threads", "1");
        for (int c = 0; c < 12; c++) {
            for (int f = 0; f < 3; f++) {
                StringBuilder sb = new StringBuilder();
                for (int line = 0; line < 40 + 10 * c; line++) {
                    sb.append("file ").append(f).append(" line ").append(line)
                            .append(line % 6 == c % 6 ? " changed " + c : "").append('\n');
                }
                r.write((f == 1 ? "dir/" : "") + "f" + f + ".txt", sb.toString());
            }
            r.git("add", "-A");
            r.git("commit", "-q", "-m", "commit " + c);
            if (c == 4) {
                r.git("tag", "-a", "-m", "one", "v1.0");
            }
            if (c == 3 || c == 7) {
                r.git("repack", "-d", "-q");
            }
        }
        return r;
    }

    static TestRepo copyOf(TestRepo src, String name) {
        TestRepo.run(tmp, null, "clone", "-q", "--no-hardlinks", src.dir.toString(), tmp.resolve(name).toString());
        TestRepo r = TestRepo.at(tmp.resolve(name));
        r.git("config", "gc.auto", "0");
        r.git("config", "pack.threads", "1");
        return r;
    }

    static Stream<String> repos() {
        return REPOS.keySet().stream();
    }

    static Path gitDir(Path repo) {
        return repo.resolve(".git");
    }

    /** The suffixes of the files in {@code objects/pack}, each once. */
    static List<String> kinds(Path repo) throws IOException {
        try (var s = Files.list(gitDir(repo).resolve("objects/pack"))) {
            return s.map(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("multi-pack-index") ? n.replaceAll("-[0-9a-f]{40,64}", "-*") : n.substring(n.lastIndexOf('.'));
            }).distinct().sorted().toList();
        }
    }

    @Test
    void eachRepositoryHoldsTheFilesItIsAbout() throws IOException {
        assertEquals(List.of(".idx", ".keep", ".pack"), kinds(REPOS.get("keep")));
        assertEquals(List.of(".idx", ".mtimes", ".pack"), kinds(REPOS.get("cruft")));
        assertEquals(List.of(".bitmap", ".idx", ".pack"), kinds(REPOS.get("bitmap")));
        assertEquals(List.of(".idx", ".pack", "multi-pack-index", "multi-pack-index-*.bitmap"), kinds(REPOS.get("midx-bitmap")));
        assertEquals(List.of(".idx", ".pack", "multi-pack-index", "multi-pack-index-*.bitmap"), kinds(REPOS.get("repack-midx")));
        assertEquals(List.of(".idx", ".pack", ".rev"), kinds(REPOS.get("rev-sha1")));
        assertEquals(List.of(".idx", ".pack", ".rev", "multi-pack-index", "multi-pack-index-*.bitmap"), kinds(REPOS.get("rev-sha256")));
        assertEquals(List.of(".idx", ".pack", ".promisor"), kinds(REPOS.get("partial")));
        assertEquals(2, MidxRepo.files(gitDir(REPOS.get("keep")).resolve("objects/pack"), ".pack").size());
        assertEquals(3, MidxRepo.files(gitDir(REPOS.get("midx-bitmap")).resolve("objects/pack"), ".pack").size());
        assertTrue(absent.size() > 20, "blobs the partial clone lacks: " + absent.size());
        // The multi-pack-index of a bitmap carries its reverse index as a chunk (git 2.39 writes no separate .rev for it).
        byte[] midx = Files.readAllBytes(gitDir(REPOS.get("midx-bitmap")).resolve("objects/pack/multi-pack-index"));
        assertTrue(new String(midx, StandardCharsets.ISO_8859_1).contains("RIDX"), "a RIDX chunk");
    }

    @ParameterizedTest
    @MethodSource("repos")
    void batchAllObjects(String name) {
        Path repo = REPOS.get(name);
        for (String mode : List.of("--batch-check", "--batch-check=" + FULL, "--batch", "--batch=" + FULL)) {
            for (List<String> order : List.of(List.<String>of(), List.of("--unordered"))) {
                List<String> args = new ArrayList<>(List.of("cat-file", "--batch-all-objects"));
                args.addAll(order);
                args.add(mode);
                String[] a = args.toArray(String[]::new);
                CliRunner.Run git = CliRunner.git(repo, null, a);
                CliRunner.Run ours = CliRunner.ours(repo, null, a);
                assertSame(git, ours, name + " " + args);
                assertEquals(git.err(), ours.err(), name + " " + args + ": stderr (the promisor warning, or nothing)");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("repos")
    void namesAndSingleObjects(String name) {
        Path repo = REPOS.get(name);
        byte[] in = CliGoldenTest.stdinNames(repo);
        for (String mode : List.of("--batch-check=" + FULL + " [%(rest)]", "--batch")) {
            assertSame(CliRunner.git(repo, in, "cat-file", mode), CliRunner.ours(repo, in, "cat-file", mode), name + " " + mode);
        }
        String[] ids = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text().split("\n");
        List<String> names = new ArrayList<>(List.of("HEAD", "HEAD~3:f0.txt", "v1.0", "HEAD^{tree}"));
        for (int i = 0; i < ids.length; i += 7) {
            names.add(ids[i]);
        }
        for (String n : names) {
            for (String opt : List.of("-t", "-s", "-e", "-p")) {
                assertSame(CliRunner.git(repo, null, "cat-file", opt, n), CliRunner.ours(repo, null, "cat-file", opt, n), name + " -" + opt + " " + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("repos")
    void packsAndIndexes(String name) throws IOException {
        Path repo = REPOS.get(name);
        Path packDir = gitDir(repo).resolve("objects/pack");
        for (Path idx : MidxRepo.files(packDir, ".idx")) {
            for (String target : List.of(idx.toString(), idx.toString().replace(".idx", ".pack"))) {
                GitCompare.same(repo, null, "verify-pack", "-v", target);
            }
            String hash = name.equals("rev-sha256") ? "--object-format=sha256" : "--object-format=sha1";
            String raw = new String(Files.readAllBytes(idx), StandardCharsets.ISO_8859_1);
            GitCompare.same(repo, raw, "show-index", hash);
        }
        if (Files.exists(packDir.resolve("multi-pack-index"))) {
            GitCompare.same(repo, null, "multi-pack-index", "verify");
        }
    }

    /**
     * Absent blobs of the partial clone, which git cannot fetch (its remote is gone): git dies
     * with "could not fetch ... from promisor remote" (exit 128) for every way of asking, the
     * batch modes too (after what they printed before); an id nothing promised is missing as in
     * any repository.
     */
    @Test
    void absentObjectsOfThePartialClone() {
        Path repo = REPOS.get("partial");
        String gone = absent.getFirst();
        String nobody = "0123456789abcdef0123456789abcdef01234567";
        for (String n : List.of(gone, absent.getLast(), nobody, "HEAD~6:f0.txt")) {
            for (String opt : List.of("-t", "-s", "-e", "-p")) {
                CliRunner.Run r = GitCompare.same(repo, null, "cat-file", opt, n);
                CliGoldenTest.assertNoStackTrace(r);
            }
            GitCompare.same(repo, null, "cat-file", "blob", n);
        }
        CliRunner.Run e = CliRunner.ours(repo, null, "cat-file", "-e", gone);
        assertEquals("fatal: could not fetch " + gone + " from promisor remote\n", e.err(), "git's last line");
        assertEquals(1, CliRunner.ours(repo, null, "cat-file", "-e", nobody).code(), "missing, as anywhere");
        String names = "HEAD\n" + nobody + "\nHEAD:f0.txt\n" + gone + "\nHEAD\n";
        for (String mode : List.of("--batch-check", "--batch", "--batch-check=%(objectname)", "--batch-command")) {
            String stdin = mode.equals("--batch-command") ? "info HEAD\ncontents HEAD:f0.txt\ninfo " + nobody + "\ncontents " + gone + "\n" : names;
            for (List<String> buffer : List.of(List.<String>of(), List.of("--buffer"))) {
                List<String> args = new ArrayList<>(List.of("cat-file"));
                args.addAll(buffer);
                args.add(mode);
                CliRunner.Run r = GitCompare.same(repo, stdin, args.toArray(String[]::new));
                assertEquals(128, r.code(), String.join(" ", args));
                assertFalse(r.text().isEmpty(), "what came before the absent blob is printed");
            }
        }
    }
}
