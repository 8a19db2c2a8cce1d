package io.github.smmap4j.pack.cli;

import static io.github.smmap4j.pack.cli.CliGoldenTest.FULL;
import static io.github.smmap4j.pack.cli.CliGoldenTest.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.MidxRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against git 2.39 on repositories with a multi-pack-index (made at test time: objects
 * stored in several packs, a pack the index does not cover, a loose object, pack times against
 * the index's order; and a repository with two alternates, each with its own): every
 * {@code --batch-all-objects} listing, ordered and {@code --unordered}, and names from stdin,
 * byte for byte; {@code multi-pack-index verify}'s stdout and exit code on valid, absent and
 * damaged files.
 */
class CliMultiPackIndexTest {
    @TempDir
    static Path tmp;
    static Path repo;
    static Path withAlternates;

    @BeforeAll
    static void makeRepos() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
        repo = MidxRepo.create(tmp.resolve("one"), 6, true);
        // Three repositories of the same first commits (the same objects), each with its own
        // multi-pack-index; the last borrows the other two's objects.
        Path a = MidxRepo.create(tmp.resolve("a"), 3, true);
        Path b = MidxRepo.create(tmp.resolve("b"), 4, true);
        withAlternates = MidxRepo.create(tmp.resolve("c"), 5, true);
        Files.writeString(withAlternates.resolve("objects/info/alternates"),
                a.resolve("objects").toString() + "\n" + b.resolve("objects").toString() + "\n");
    }

    @Test
    void batchAllObjectsAsGitListsThem() {
        for (Path r : List.of(repo, withAlternates)) {
            for (String mode : List.of("--batch-check", "--batch")) {
                for (String fmt : List.of("", "=" + FULL)) {
                    for (List<String> order : List.of(List.<String>of(), List.of("--unordered"))) {
                        List<String> args = new ArrayList<>(List.of("cat-file", "--batch-all-objects"));
                        args.addAll(order);
                        args.add(mode + fmt);
                        String[] x = args.toArray(String[]::new);
                        assertSame(CliRunner.git(r, null, x), CliRunner.ours(r, null, x), r + " " + args);
                    }
                }
            }
        }
    }

    /**
     * Objects in two packs and no multi-pack-index: the id-order listing reads each where git's
     * lookup finds it, in its most-recently-used pack (the pack of the object before), so
     * {@code %(objectsize:disk)} and {@code %(deltabase)} are git's.
     */
    @Test
    void duplicatesWithoutMultiPackIndexAsGitsLookupFindsThem() throws IOException {
        for (boolean swap : List.of(false, true)) { // either pack may sort first: each order once
            io.github.smmap4j.pack.TestRepo t = io.github.smmap4j.pack.TestRepo.init(tmp, "mru-" + swap);
            t.git("config", "gc.auto", "0");
            List<String> files = new ArrayList<>();
            long x = 7;
            for (int f = 0; f < 6; f++) { // lines zlib cannot shrink much: a delta is far smaller than the whole
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 150; i++) {
                    x = (x * 1103515245 + 12345) % 2147483648L;
                    lines.append(i).append(' ').append(Long.toHexString(x)).append('\n');
                }
                files.add(lines.toString());
            }
            for (int c = 0; c < 12; c++) {
                for (int f = 0; f < files.size(); f++) {
                    t.write("f" + f + ".txt", files.get(f) + "commit " + c + "\n");
                }
                t.git("add", "-A");
                t.git("commit", "-q", "-m", "c" + c);
                t.git("tag", "c" + c);
            }
            // Two packs sharing the objects of commits 4..7: deltas in one, whole objects in the
            // other, so that each copy shows in %(objectsize:disk); no multi-pack-index.
            String pack = t.gitDir.resolve("objects/pack/pack").toString();
            byte[] older = io.github.smmap4j.pack.TestRepo.bytes(t.git("rev-list", "--objects", "c7") + "\n");
            byte[] newer = io.github.smmap4j.pack.TestRepo.bytes(t.git("rev-list", "--objects", "c11", "^c3") + "\n");
            List<String> deltas = List.of("pack-objects", "-q", "--window=10", pack);
            List<String> whole = List.of("pack-objects", "-q", "--no-reuse-delta", "--no-reuse-object", "--window=0", pack);
            t.git(older, (swap ? whole : deltas).toArray(String[]::new));
            t.git(newer, (swap ? deltas : whole).toArray(String[]::new));
            t.git("prune-packed");
            assertEquals(2, MidxRepo.files(t.gitDir.resolve("objects/pack"), ".pack").size());
            for (String mode : List.of("--batch-check=" + FULL, "--batch=" + FULL)) {
                String[] args = {"cat-file", "--batch-all-objects", mode};
                assertSame(CliRunner.git(t.dir, null, args), CliRunner.ours(t.dir, null, args), swap + " " + String.join(" ", args));
            }
        }
    }

    /** {@code core.multiPackIndex} in the repository's config, as git reads it: false turns the file off, a bad value is fatal. */
    @Test
    void coreMultiPackIndexInTheConfig() throws IOException {
        Path r = MidxRepo.create(tmp.resolve("config"), 6, true);
        Path config = r.resolve("config");
        String original = Files.readString(config);
        String[] full = {"cat-file", "--batch-all-objects", "--batch-check=" + FULL};
        String[] unordered = {"cat-file", "--batch-all-objects", "--unordered", "--batch-check=" + FULL};
        java.util.Map<String[], String> withMidx = java.util.Map.of(full, CliRunner.git(r, null, full).text(),
                unordered, CliRunner.git(r, null, unordered).text());
        String ids = CliRunner.git(r, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text();
        byte[] in = ids.getBytes(StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        for (String value : List.of("false", "no", "0", "true", "off", "bogus")) {
            Files.writeString(config, original + "[core]\n\tmultiPackIndex = " + value + "\n");
            for (String[] args : List.of(full, unordered)) {
                CliRunner.Run git = CliRunner.git(r, null, args);
                assertSame(git, CliRunner.ours(r, null, args), value + " " + String.join(" ", args) + "; git: " + git.err());
                seen.add(value + ":" + git.code() + ":" + (git.text().equals(withMidx.get(args)) ? "midx" : "packs"));
            }
            assertSame(CliRunner.git(r, in, "cat-file", "--batch-check=" + FULL), CliRunner.ours(r, in, "cat-file", "--batch-check=" + FULL),
                    value + " from stdin");
        }
        // The fixture's file chooses other copies than a search of the packs, so each value shows which was read.
        assertEquals(List.of("false:0:packs", "false:0:packs", "no:0:packs", "no:0:packs", "0:0:packs", "0:0:packs",
                "true:0:midx", "true:0:midx", "off:0:packs", "off:0:packs", "bogus:128:packs", "bogus:128:packs"), seen);
        Files.writeString(config, original);
    }

    @Test
    void namesFromStdin() {
        for (Path r : List.of(repo, withAlternates)) {
            String[] ids = CliRunner.git(r, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text().split("\n");
            StringBuilder sb = new StringBuilder(new String(CliGoldenTest.stdinNames(r), StandardCharsets.UTF_8));
            for (String id : ids) {
                sb.append(id).append('\n').append(id, 0, 4).append('\n').append(id, 0, 7).append('\n');
            }
            byte[] in = sb.toString().getBytes(StandardCharsets.UTF_8);
            for (String mode : List.of("--batch-check=" + FULL, "--batch")) {
                assertSame(CliRunner.git(r, in, "cat-file", mode), CliRunner.ours(r, in, "cat-file", mode), r + " " + mode);
            }
        }
    }

    /** A copy of the repository with {@code damage} done to it, for one verify comparison. */
    static Path copy(String name, Consumer<Path> damage) throws IOException {
        Path dst = tmp.resolve("copies").resolve(name);
        try (var s = Files.walk(repo)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(repo.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        damage.accept(dst.resolve("objects/pack"));
        return dst;
    }

    static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void rewrite(Path file, java.util.function.UnaryOperator<byte[]> how) {
        try {
            byte[] b = how.apply(Files.readAllBytes(file));
            Files.delete(file);
            Files.write(file, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void verifyAsGitVerifies() throws IOException {
        List<Path> cases = new ArrayList<>();
        cases.add(copy("valid", d -> { }));
        cases.add(copy("absent", d -> delete(d.resolve("multi-pack-index"))));
        cases.add(copy("checksum", d -> rewrite(d.resolve("multi-pack-index"), b -> {
            b[b.length - 20 - 8 * 3 - 1] ^= 0x20; // an offset (OOFF comes last): it and the checksum are wrong
            return b;
        })));
        cases.add(copy("trailer", d -> rewrite(d.resolve("multi-pack-index"), b -> {
            b[b.length - 1] ^= 1;
            return b;
        })));
        cases.add(copy("truncated", d -> rewrite(d.resolve("multi-pack-index"), b -> java.util.Arrays.copyOf(b, 100))));
        cases.add(copy("signature", d -> rewrite(d.resolve("multi-pack-index"), b -> {
            b[0] = 'N';
            return b;
        })));
        cases.add(copy("missing-pack", d -> {
            try {
                for (Path idx : List.of(MidxRepo.files(d, ".idx").getFirst(), MidxRepo.files(d, ".idx").getLast())) {
                    delete(idx); // one of the two at least is in the multi-pack-index
                    delete(idx.resolveSibling(idx.getFileName().toString().replace(".idx", ".pack")));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        for (Path c : cases) {
            CliRunner.Run git = CliRunner.git(c, null, "multi-pack-index", "verify");
            CliRunner.Run ours = CliRunner.ours(c, null, "multi-pack-index", "verify");
            assertSame(git, ours, c.getFileName() + ": git said " + git.err());
            assertEquals(git.code() == 0, ours.err().isEmpty(), c.getFileName() + ": " + ours.err());
            CliRunner.Run dir = CliRunner.ours(tmp, null, "multi-pack-index", "--git-dir", c.toString(),
                    "--object-dir=" + c.resolve("objects"), "verify");
            assertEquals(git.code(), dir.code(), c.getFileName() + " --object-dir: " + dir.err());
        }
        CliRunner.Run none = CliRunner.ours(repo, null, "multi-pack-index");
        assertEquals(CliRunner.git(repo, null, "multi-pack-index").code(), none.code(), none.err());
        CliRunner.Run unknown = CliRunner.ours(repo, null, "multi-pack-index", "frobnicate");
        assertEquals(CliRunner.git(repo, null, "multi-pack-index", "frobnicate").code(), unknown.code(), unknown.err());
        assertTrue(CliRunner.ours(repo, null, "multi-pack-index", "write").err().contains("not implemented"));
    }

    @Test
    void aDamagedMultiPackIndexIsIgnoredWithAWarning() throws IOException {
        // Only the checksum is wrong: git reads the file as it is (it does not check), this tool
        // refuses it; the objects are the same (their size on disk may come from another copy).
        Path c = copy("warned", d -> rewrite(d.resolve("multi-pack-index"), b -> {
            b[b.length - 1] ^= 1;
            return b;
        }));
        CliRunner.Run ours = CliRunner.ours(c, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)");
        CliRunner.Run git = CliRunner.git(c, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)");
        assertSame(git, ours, "the same objects, read from the packs");
        assertTrue(ours.err().startsWith("warning: ") && ours.err().contains("checksum mismatch"), ours.err());
    }
}
