package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Small repositories of several packs made with git at test time, with objects stored in more
 * than one pack (so that which pack a lookup picks shows in {@code %(objectsize:disk)}), a
 * multi-pack-index over some of them, a pack it does not cover, a loose object, and pack file
 * times that disagree with the multi-pack-index's order.
 */
public final class MidxRepo {
    private MidxRepo() {
    }

    /** Runs git in {@code dir} with a clean configuration; returns stdout; fails on a non-zero exit. */
    public static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "pack.threads=1", "-c", "gc.auto=0",
                "-c", "pack.writeReverseIndex=false", "-c", "user.name=A U Thor", "-c", "user.email=a@example.com"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_AUTHOR_DATE", "1700000000 +0000");
        pb.environment().put("GIT_COMMITTER_DATE", "1700000000 +0000");
        pb.environment().remove("GIT_DIR");
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    /**
     * Makes {@code <dir>/repo.git} (returned): {@code commits} commits, each packed on its own,
     * then a full pack of all of them (every object twice), times set so that git's
     * multi-pack-index prefers the full pack for the older small packs' objects and the small
     * packs for the newer ones' (git picks the newest pack); then, if {@code writeMidx},
     * {@code git multi-pack-index write}; then one more commit packed on its own (not covered)
     * and one loose blob; last, the pack times are reversed against their names.
     */
    public static Path create(Path dir, int commits, boolean writeMidx) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path workPacks = work.resolve(".git/objects/pack");
        git(work, "init", "-q", "-b", "main");
        List<Path> order = new ArrayList<>();
        for (int c = 0; c < commits; c++) {
            commit(work, c);
            git(work, "repack", "-q");
            git(work, "prune-packed");
            order.add(newestPack(workPacks, order));
        }
        git(work, "repack", "-a", "-q"); // no -d: every object is now in two packs
        git(work, "prune-packed");
        Path full = newestPack(workPacks, order);
        long t0 = 1_600_000_000_000L;
        for (int i = 0; i < order.size(); i++) {
            Files.setLastModifiedTime(order.get(i), FileTime.fromMillis(t0 + i * 10_000L));
        }
        Files.setLastModifiedTime(full, FileTime.fromMillis(t0 + (order.size() / 2) * 10_000L + 5_000L));
        Path bare = dir.resolve("repo.git");
        git(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        copyNewPacks(workPacks, bare.resolve("objects/pack"));
        git(bare, "update-ref", "refs/heads/main", git(work, "rev-parse", "HEAD").strip());
        if (writeMidx) {
            git(bare, "multi-pack-index", "write");
        }
        commit(work, commits);
        git(work, "repack", "-q");
        git(work, "prune-packed");
        copyNewPacks(workPacks, bare.resolve("objects/pack"));
        git(bare, "update-ref", "refs/heads/main", git(work, "rev-parse", "HEAD").strip());
        Path blob = Files.writeString(dir.resolve("loose.txt"), "a loose blob\n");
        git(bare, "hash-object", "-w", blob.toString());
        reverseTimes(bare.resolve("objects/pack"));
        return bare;
    }

    /** Copies the packs (and indexes) of {@code from} that {@code to} does not have, with their times. */
    static void copyNewPacks(Path from, Path to) throws IOException {
        for (Path f : files(from, "")) {
            Path dst = to.resolve(f.getFileName());
            if (!Files.exists(dst) && (f.toString().endsWith(".pack") || f.toString().endsWith(".idx"))) {
                Files.copy(f, dst, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void commit(Path work, int c) throws IOException {
        for (int f = 0; f < 3; f++) {
            StringBuilder sb = new StringBuilder();
            for (int line = 0; line < 40 + 20 * c; line++) {
                sb.append("file ").append(f).append(" line ").append(line).append(line % 7 == c % 7 ? " changed " + c : "").append('\n');
            }
            Files.writeString(work.resolve("f" + f + ".txt"), sb.toString());
        }
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "commit " + c);
    }

    private static Path newestPack(Path packDir, List<Path> known) throws IOException {
        try (var s = Files.list(packDir)) {
            return s.filter(p -> p.toString().endsWith(".pack") && !known.contains(p)).findFirst().orElseThrow();
        }
    }

    /** Gives the packs times in the reverse order of their names: git's mtime order is then the reverse of the names'. */
    static void reverseTimes(Path packDir) throws IOException {
        List<Path> packs;
        try (var s = Files.list(packDir)) {
            packs = s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
        }
        for (int i = 0; i < packs.size(); i++) {
            Files.setLastModifiedTime(packs.get(i), FileTime.fromMillis(1_700_000_000_000L - i * 10_000L));
        }
    }

    /**
     * Writes an incremental chain over packs of {@code packDir} as git 2.47+ lays it out:
     * {@code multi-pack-index.d/multi-pack-index-<checksum>.midx} per layer and the chain file
     * listing them base first. Layer {@code k} names the packs {@code layers.get(k)} (index file
     * names); an object goes into the lowest layer with a pack holding it, there into the first
     * such pack (objects of lower layers are left out of higher ones, as git writes them).
     *
     * @return the layer files, base first
     */
    public static List<Path> writeChain(Path packDir, List<List<String>> layers) throws IOException {
        Path dir = Files.createDirectories(packDir.resolve(MidxChain.CHAIN_DIR));
        java.util.Set<ObjectId> below = new java.util.HashSet<>();
        List<Path> files = new ArrayList<>();
        StringBuilder chain = new StringBuilder();
        try (io.github.smmap4j.core.MapManager mm = io.github.smmap4j.core.SlidingWindowMapManager.builder().build()) {
            for (List<String> layer : layers) {
                MidxWriter w = new MidxWriter(ObjectFormat.SHA1);
                java.util.Set<ObjectId> mine = new java.util.HashSet<>();
                for (int k = 0; k < layer.size(); k++) {
                    w.pack(layer.get(k));
                    try (PackIndex idx = PackIndex.open(mm, packDir.resolve(layer.get(k)), ObjectFormat.SHA1)) {
                        for (int i = 0; i < idx.objectCount(); i++) {
                            ObjectId id = idx.idAt(i);
                            if (!below.contains(id) && mine.add(id)) {
                                w.add(id, k, idx.offsetAt(i));
                            }
                        }
                    }
                }
                below.addAll(mine);
                files.add(writeLayer(dir, w.build(), chain));
            }
        }
        Files.writeString(dir.resolve(MidxChain.CHAIN_FILE), chain);
        return files;
    }

    /** Writes one layer under its checksum's name and appends that name's hash to {@code chain}. */
    static Path writeLayer(Path chainDir, byte[] layer, StringBuilder chain) throws IOException {
        String hex = java.util.HexFormat.of().formatHex(layer, layer.length - 20, layer.length);
        chain.append(hex).append('\n');
        return Files.write(MidxChain.layerPath(chainDir, hex), layer);
    }

    /** Returns the pack directory's files whose name ends with {@code suffix}, sorted. */
    public static List<Path> files(Path packDir, String suffix) throws IOException {
        try (var s = Files.list(packDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
