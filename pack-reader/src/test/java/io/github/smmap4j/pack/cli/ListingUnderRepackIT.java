package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectLoader;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.TestRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings while git rewrites the object directory underneath (issue 13 item 5): a background
 * thread runs {@code git repack -ad}, {@code git gc}, {@code git repack -d} over objects made
 * loose again, and {@code git multi-pack-index write}, in a loop, while the foreground runs every
 * {@code --batch-all-objects} listing (id order and {@code --unordered}, {@code --batch-check}
 * and {@code --batch}, with default and with tiny windows, so that windows of deleted packs must
 * be mapped again) through the CLI, and the library's id-order iteration on a database kept open
 * throughout. Every object is reachable, so at every moment each one is in some file git leaves
 * in place. Each listing must be complete (every object exactly once, with its type, size and
 * content) or fail with one {@code fatal:} line naming a file: never short, never a duplicate.
 */
class ListingUnderRepackIT {
    /** How long listings run against the churn; {@code -Dsmmap4j.churn.millis=60000} soaks longer. */
    private static final long LISTING_MILLIS = Long.getLong("smmap4j.churn.millis", 12_000);
    private static final String FULL = "%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @TempDir
    Path tmp;

    /** An object as git printed it before the churn began. */
    private record Obj(String type, byte[] content) {
    }

    @Test
    void listingsAreCompleteOrFailWhileGitRepacks() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to repack");
        TestRepo repo = makeRepository();
        Map<String, Obj> expected = gitObjects(repo);
        assertTrue(expected.size() > 300, "a few hundred objects: " + expected.size());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger cycles = new AtomicInteger();
        AtomicReference<Throwable> churnFailure = new AtomicReference<>();
        Thread churn = Thread.ofPlatform().name("git-churn").start(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    churnOnce(repo, expected, i);
                    cycles.incrementAndGet();
                }
            } catch (Throwable t) {
                churnFailure.set(t);
            }
        });
        Map<String, int[]> outcomes = new TreeMap<>(); // mode -> {complete, failed}
        java.util.Set<String> failures = new java.util.LinkedHashSet<>();
        List<List<String>> modes = new ArrayList<>();
        for (List<String> window : List.of(List.<String>of(), List.of("--window-size", "4k", "--map-limit", "64k"))) {
            for (List<String> order : List.of(List.<String>of(), List.of("--unordered"))) {
                for (String batch : List.of("--batch-check", "--batch-check=" + FULL, "--batch")) {
                    List<String> args = new ArrayList<>(List.of("cat-file"));
                    args.addAll(window);
                    args.add("--batch-all-objects");
                    args.addAll(order);
                    args.add(batch);
                    modes.add(args);
                }
            }
        }
        try (ObjectDatabase db = ObjectDatabase.builder(repo.gitDir).windowSize(4096).maxMappedMemory(64 << 10).build()) {
            long end = System.currentTimeMillis() + LISTING_MILLIS;
            for (int round = 0; System.currentTimeMillis() < end && churnFailure.get() == null; round++) {
                List<String> args = modes.get(round % modes.size());
                CliRunner.Run r = CliRunner.ours(repo.dir, null, args.toArray(String[]::new));
                boolean complete = checkCli(r, args, expected);
                if (!complete) {
                    failures.add(r.err().strip());
                }
                outcomes.computeIfAbsent(String.join(" ", args), k -> new int[2])[complete ? 0 : 1]++;
                boolean libComplete = checkLibrary(db, expected);
                outcomes.computeIfAbsent("library forEachObject (one database kept open)", k -> new int[2])[libComplete ? 0 : 1]++;
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        if (churnFailure.get() != null) {
            throw new AssertionError("the git loop failed", churnFailure.get());
        }
        StringBuilder report = new StringBuilder("git cycles: " + cycles.get() + "\n");
        outcomes.forEach((k, v) -> report.append(String.format("  %-100s complete %3d  failed %3d%n", k, v[0], v[1])));
        failures.stream().limit(5).forEach(f -> report.append("  failed with: ").append(f).append('\n'));
        System.out.print(report);
        assertTrue(cycles.get() >= 10, "the objects moved often enough: " + report);
        for (Map.Entry<String, int[]> e : outcomes.entrySet()) {
            assertTrue(e.getValue()[0] > 0, "some listings of each kind complete: " + report);
        }
    }

    /** 60 commits of three files and a subdirectory in four packs and loose objects, everything reachable. */
    private TestRepo makeRepository() {
        TestRepo repo = TestRepo.init(tmp, "churn");
        repo.git("config", "gc.auto", "0");
        repo.git("config", "pack.threads", "1");
        for (int c = 0; c < 60; c++) {
            for (int f = 0; f < 3; f++) {
                StringBuilder sb = new StringBuilder();
                for (int line = 0; line < 30 + c; line++) {
                    sb.append("file ").append(f).append(" line ").append(line).append(line % 5 == c % 5 ? " edit " + c : "").append('\n');
                }
                repo.write((f == 2 ? "sub/" : "") + "f" + f + ".txt", sb.toString());
            }
            repo.git("add", "-A");
            repo.git("commit", "-q", "-m", "commit " + c);
            if (c % 15 == 14 && c < 59) {
                repo.git("repack", "-d", "-q");
            }
        }
        return repo;
    }

    /** Every object, by id, as {@code git cat-file --batch-all-objects --batch} prints it. */
    private static Map<String, Obj> gitObjects(TestRepo repo) throws IOException {
        Map<String, Obj> out = new HashMap<>();
        try (GitBatchReader in = new GitBatchReader(CliRunner.git(repo.dir, null, "cat-file", "--batch-all-objects", "--batch").out())) {
            for (String[] h = in.header(); h != null; h = in.header()) {
                out.put(h[0], new Obj(h[1], in.content(Integer.parseInt(h[2]))));
            }
        }
        return out;
    }

    /**
     * One step of what git does to an object directory, in turn: a full repack (alternating
     * delta windows, so each makes a new pack), a gc, a pack made loose again and then packed by
     * an incremental repack, a multi-pack-index written over the packs there are.
     */
    private static void churnOnce(TestRepo repo, Map<String, Obj> objects, int i) throws IOException {
        switch (i % 5) {
            case 0 -> repo.git("repack", "-a", "-d", "-f", "-q", "--window=0");
            case 1 -> repo.git("gc", "-q");
            case 2 -> {
                explodeOnePack(repo, objects);
                repo.git("repack", "-d", "-q");
            }
            case 3 -> repo.git("repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=4");
            default -> repo.git("multi-pack-index", "write");
        }
    }

    /**
     * Writes every object of the newest pack as a loose object (as {@code git unpack-objects}
     * would, temp file then rename), then deletes that pack as git does ({@code .pack} first):
     * each object is always in a file that stays.
     */
    private static void explodeOnePack(TestRepo repo, Map<String, Obj> objects) throws IOException {
        Path packDir = repo.gitDir.resolve("objects/pack");
        Path idx;
        try (var s = Files.list(packDir)) {
            idx = s.filter(p -> p.toString().endsWith(".idx")).findAny().orElse(null);
        }
        if (idx == null) {
            return;
        }
        byte[] idxBytes;
        try {
            idxBytes = Files.readAllBytes(idx);
        } catch (java.nio.file.NoSuchFileException gone) {
            return;
        }
        String listing = repo.git(idxBytes, "show-index");
        for (String line : listing.split("\n")) {
            String[] f = line.split(" ");
            String hex = f[1];
            Obj o = objects.get(hex);
            byte[] head = (o.type() + " " + o.content().length + "\0").getBytes(StandardCharsets.US_ASCII);
            byte[] raw = new byte[head.length + o.content().length];
            System.arraycopy(head, 0, raw, 0, head.length);
            System.arraycopy(o.content(), 0, raw, head.length, o.content().length);
            Path dst = repo.gitDir.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
            Files.createDirectories(dst.getParent());
            Path t = Files.write(dst.resolveSibling("tmp_obj_" + hex), TestRepo.deflate(raw));
            Files.move(t, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        String base = idx.toString().substring(0, idx.toString().length() - 4);
        for (String ext : List.of(".pack", ".idx", ".rev", ".bitmap")) {
            Files.deleteIfExists(Path.of(base + ext));
        }
        Files.deleteIfExists(packDir.resolve("multi-pack-index")); // it named the pack just deleted
    }

    /**
     * A CLI listing: complete (true), or failed with exit 128 and one {@code fatal:} line naming
     * a file (false); anything else fails the test.
     */
    private static boolean checkCli(CliRunner.Run r, List<String> args, Map<String, Obj> expected) throws IOException {
        String what = String.join(" ", args);
        if (r.code() != 0) {
            assertEquals(128, r.code(), what + ": " + r.err());
            CliGoldenTest.assertNoStackTrace(r);
            String err = r.err().strip();
            assertTrue(err.startsWith("fatal: ") && !err.contains("\n") && err.contains("/objects/"),
                    what + ": one fatal line naming the file: " + err);
            return false;
        }
        assertTrue(r.err().lines().allMatch(l -> l.startsWith("warning: ")), what + ": " + r.err());
        boolean contents = args.getLast().equals("--batch");
        Map<String, Integer> seen = new HashMap<>();
        try (GitBatchReader in = new GitBatchReader(r.out())) {
            for (String[] h = in.header(); h != null; h = in.header()) {
                String id = h[0];
                Obj want = expected.get(id);
                if (want == null) {
                    fail(what + ": listed an object git does not have: " + String.join(" ", h));
                }
                if (seen.merge(id, 1, Integer::sum) > 1) {
                    fail(what + ": listed twice: " + id);
                }
                if (h.length > 1) {
                    assertEquals(want.type(), h[1], what + " " + id);
                    assertEquals(want.content().length, Integer.parseInt(h[2]), what + " " + id);
                }
                if (contents) {
                    byte[] data = in.content(Integer.parseInt(h[2]));
                    assertEquals(id, hash(h[1], data), what + ": content of " + id);
                }
            }
        }
        if (seen.size() != expected.size()) {
            fail(what + ": silently short: " + seen.size() + " of " + expected.size() + " objects, exit 0");
        }
        return true;
    }

    /** The library's id-order iteration and a read of each object where it found it, on a database open all along. */
    private static boolean checkLibrary(ObjectDatabase db, Map<String, Obj> expected) {
        Map<String, Integer> seen = new HashMap<>();
        try (ObjectReader reader = db.newReader()) {
            db.forEachObject(where -> {
                ObjectLoader l = reader.open(where);
                String id = where.id().name();
                assertEquals(id, hash(l.type().typeName(), l.bytes()), "content of " + id);
                if (seen.merge(id, 1, Integer::sum) > 1) {
                    fail("forEachObject visited twice: " + id);
                }
            });
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            assertTrue(m.contains("/objects/"), "the error names the file: " + e);
            return false;
        }
        assertEquals(expected.keySet(), seen.keySet(), "forEachObject: every object, none short");
        return true;
    }

    private static String hash(String type, byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update((type + " " + data.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads batch output: header lines, and contents where asked. */
    private static final class GitBatchReader implements AutoCloseable {
        private final byte[] b;
        private int p;

        GitBatchReader(byte[] b) {
            this.b = b;
        }

        String[] header() {
            if (p >= b.length) {
                return null;
            }
            int nl = p;
            while (b[nl] != '\n') {
                nl++;
            }
            String line = new String(b, p, nl - p, StandardCharsets.UTF_8);
            p = nl + 1;
            return line.split(" ");
        }

        byte[] content(int size) {
            byte[] out = java.util.Arrays.copyOfRange(b, p, p + size);
            p += size;
            if (b[p++] != '\n') {
                throw new IllegalStateException("batch output out of sync at " + p);
            }
            return out;
        }

        @Override
        public void close() {
            // nothing to release: the output is in memory
        }
    }
}
