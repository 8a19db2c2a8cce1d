package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.Fixtures;
import io.github.smmap4j.pack.GitBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests: every command and format of the CLI against the {@code git} binary on every
 * fixture repository, stdout byte for byte and the exit code. Skipped (visibly) without git.
 */
class CliGoldenTest {
    static final String FULL = "%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: golden comparisons skipped");
    }

    static Stream<String> fixtures() {
        return Fixtures.ALL.stream();
    }

    /** Every pack index of every fixture (multipack's alternate included), as "fixture:path". */
    static Stream<String> packs() throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : Fixtures.ALL) {
            Path repo = Fixtures.repo(f);
            List<Path> dirs = new ArrayList<>(List.of(repo));
            if (f.equals("multipack")) {
                dirs.add(repo.resolveSibling("multipack-alt.git"));
            }
            for (Path d : dirs) {
                Path pack = d.resolve("objects/pack");
                if (Files.isDirectory(pack)) {
                    try (Stream<Path> s = Files.list(pack)) {
                        s.filter(p -> p.toString().endsWith(".idx")).sorted().forEach(p -> out.add(f + ":" + p));
                    }
                }
            }
        }
        return out.stream();
    }

    static void assertSame(CliRunner.Run git, CliRunner.Run ours, String what) {
        assertEquals(git.code(), ours.code(), what + ": exit code; our stderr: " + ours.err());
        if (!java.util.Arrays.equals(git.out(), ours.out())) {
            String g = git.text();
            String o = ours.text();
            int i = 0;
            while (i < Math.min(g.length(), o.length()) && g.charAt(i) == o.charAt(i)) {
                i++;
            }
            int from = Math.max(0, g.lastIndexOf('\n', Math.max(0, i - 1)) + 1);
            assertEquals(g.substring(from, Math.min(g.length(), i + 200)), o.substring(Math.min(from, o.length()), Math.min(o.length(), i + 200)),
                    what + ": stdout differs at byte " + i);
            assertArrayEquals(git.out(), ours.out(), what);
        }
        assertNoStackTrace(ours);
    }

    static void assertNoStackTrace(CliRunner.Run r) {
        assertEquals(-1, r.err().indexOf("\tat "), "stack trace on stderr: " + r.err());
        assertEquals(-1, r.err().indexOf("Exception"), "exception on stderr: " + r.err());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void batchAllObjects(String fixture) {
        Path repo = Fixtures.repo(fixture);
        for (String mode : List.of("--batch-check", "--batch")) {
            for (String fmt : List.of("", "=" + FULL, "=%(objectname)", "=%(objecttype) %% %z %(objectsize)")) {
                if (fixture.equals("deepchain") && mode.equals("--batch") && fmt.length() > 1) {
                    continue; // 50 MB of contents once is enough
                }
                for (List<String> order : List.of(List.<String>of(), List.of("--unordered"))) {
                    List<String> args = new ArrayList<>(List.of("cat-file", "--batch-all-objects"));
                    args.addAll(order);
                    args.add(mode + fmt);
                    String[] a = args.toArray(String[]::new);
                    assertSame(CliRunner.git(repo, null, a), CliRunner.ours(repo, null, a), fixture + " " + args);
                }
            }
        }
    }

    /** ids, abbreviations, refs and revision suffixes, missing and ambiguous names, %(rest). */
    static byte[] stdinNames(Path repo) {
        CliRunner.Run ids = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)");
        String[] all = ids.text().split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.length; i += Math.max(1, all.length / 40)) {
            sb.append(all[i]).append('\n');
            sb.append(all[i], 0, 8).append(" rest of\tthe line \n");
            sb.append(all[i].toUpperCase(java.util.Locale.ROOT)).append('\n');
        }
        for (char c : "0123456789abcdef".toCharArray()) {
            sb.append(c).append(c).append(c).append(c).append('\n').append(c).append("0\n");
        }
        sb.append("0000000000000000000000000000000000000000\n").append("deadbeef\n").append("abc\n").append('\n')
                .append("not-a-ref\n").append("HEAD\n").append("main\n").append("refs/heads/main\n").append("HEAD^{tree}\n")
                .append("HEAD~3\n").append("HEAD^\n").append("HEAD^2\n").append("v1.0\n").append("v1.0^{}\n").append("v1.0-nested^{commit}\n")
                .append("HEAD:README.txt\n").append("HEAD:src/main\n").append("HEAD:nope\n").append("light\n")
                .append("4b825dc642cb6eb9a060e54bf8d69288fbee4904\n").append("e69de29bb\r\n").append("HEAD ").append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void batchFromStdin(String fixture) {
        Path repo = Fixtures.repo(fixture);
        byte[] in = stdinNames(repo);
        for (String mode : List.of("--batch-check", "--batch")) {
            for (String fmt : List.of("", "=" + FULL + " [%(rest)]")) {
                for (List<String> buffer : List.of(List.<String>of(), List.of("--buffer"))) {
                    List<String> args = new ArrayList<>(List.of("cat-file"));
                    args.addAll(buffer);
                    args.add(mode + fmt);
                    String[] a = args.toArray(String[]::new);
                    assertSame(CliRunner.git(repo, in, a), CliRunner.ours(repo, in, a), fixture + " " + args);
                }
            }
        }
        byte[] nul = new String(in, StandardCharsets.UTF_8).replace('\n', '\0').getBytes(StandardCharsets.UTF_8);
        assertSame(CliRunner.git(repo, nul, "cat-file", "-z", "--batch-check"), CliRunner.ours(repo, nul, "cat-file", "-z", "--batch-check"), fixture + " -z");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void singleObjects(String fixture) {
        Path repo = Fixtures.repo(fixture);
        String[] ids = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").text().split("\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ids.length; i += Math.max(1, ids.length / 25)) {
            names.add(ids[i]);
            names.add(ids[i].substring(0, 10));
        }
        names.addAll(List.of("HEAD", "HEAD^{tree}", "HEAD~1", "v1.0", "HEAD:README.txt", "0000000000000000000000000000000000000001",
                "deadbeef", "zzzz", "12", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"));
        for (char c : "0123456789abcdef".toCharArray()) {
            names.add("" + c + c + c);
        }
        for (String name : names) {
            for (String opt : List.of("-t", "-s", "-e", "-p")) {
                assertSame(CliRunner.git(repo, null, "cat-file", opt, name), CliRunner.ours(repo, null, "cat-file", opt, name),
                        fixture + " cat-file " + opt + " " + name);
            }
            for (String type : List.of("blob", "tree", "commit")) {
                assertSame(CliRunner.git(repo, null, "cat-file", type, name), CliRunner.ours(repo, null, "cat-file", type, name),
                        fixture + " cat-file " + type + " " + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("packs")
    void verifyPack(String fixtureAndIdx) {
        int colon = fixtureAndIdx.indexOf(':');
        Path repo = Fixtures.repo(fixtureAndIdx.substring(0, colon));
        String idx = fixtureAndIdx.substring(colon + 1);
        String pack = idx.substring(0, idx.length() - 4) + ".pack";
        for (List<String> opts : List.of(List.of("-v"), List.of("-s"), List.<String>of(), List.of("-v", "-s"))) {
            for (String target : List.of(idx, pack)) {
                List<String> args = new ArrayList<>(List.of("verify-pack"));
                args.addAll(opts);
                args.add(target);
                String[] a = args.toArray(String[]::new);
                assertSame(CliRunner.git(repo, null, a), CliRunner.ours(repo, null, a), fixtureAndIdx + " " + args);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("packs")
    void showIndex(String fixtureAndIdx) throws IOException {
        int colon = fixtureAndIdx.indexOf(':');
        Path repo = Fixtures.repo(fixtureAndIdx.substring(0, colon));
        byte[] idx = Files.readAllBytes(Path.of(fixtureAndIdx.substring(colon + 1)));
        assertSame(CliRunner.git(repo, idx, "show-index"), CliRunner.ours(repo, idx, "show-index"), fixtureAndIdx);
        byte[] cut = java.util.Arrays.copyOf(idx, idx.length / 2);
        assertSame(CliRunner.git(repo, cut, "show-index"), CliRunner.ours(repo, cut, "show-index"), fixtureAndIdx + " truncated");
    }

    /** The map manager and cache options change how bytes are read, never the output; -C and --git-dir find the repository. */
    @ParameterizedTest
    @MethodSource("fixtures")
    void managerOptionsAndRepoLocation(String fixture) {
        Path repo = Fixtures.repo(fixture);
        Path outside = repo.getParent();
        CliRunner.Run git = CliRunner.git(outside, null, "--git-dir=" + repo, "cat-file", "--batch-all-objects", "--batch=" + FULL);
        for (List<String> opts : List.of(List.of("--window-size", "4k", "--map-limit", "64k"), List.of("--static"),
                List.of("--base-cache", "0"), List.of("--window-size=0", "--base-cache=1m"), List.of("--window-size", "1M"))) {
            List<String> args = new ArrayList<>(List.of("cat-file", "--git-dir", repo.toString()));
            args.addAll(opts);
            args.addAll(List.of("--batch-all-objects", "--unordered", "--batch=" + FULL));
            CliRunner.Run ours = CliRunner.ours(outside, null, args.toArray(String[]::new));
            CliRunner.Run gitUnordered = CliRunner.git(outside, null, "--git-dir=" + repo, "cat-file", "--batch-all-objects", "--unordered", "--batch=" + FULL);
            assertSame(gitUnordered, ours, fixture + " " + opts);
        }
        assertSame(git, CliRunner.ours(outside, null, "cat-file", "-C", repo.toString(), "--window-size", "8k", "--batch-all-objects", "--batch=" + FULL), fixture + " -C");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void statsCountsWhatGitCounts(String fixture) {
        Path repo = Fixtures.repo(fixture);
        long objects = CliRunner.git(repo, null, "cat-file", "--batch-all-objects", "--batch-check").text().lines().count();
        CliRunner.Run r = CliRunner.ours(repo, null, "stats", "--window-size", "4k", "--base-cache", "1m");
        assertEquals(0, r.code(), r.err());
        assertEquals(true, r.text().contains("\nobjects: " + objects + " distinct\n"), r.text());
        assertEquals(true, r.text().contains("region-maps: "), r.text());
        CliRunner.Run s = CliRunner.ours(repo, null, "stats", "--static", "--map-limit", "64m");
        assertEquals(0, s.code(), s.err());
        assertEquals(true, s.text().contains("StaticWindowMapManager"), s.text());
    }

}
