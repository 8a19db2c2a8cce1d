package io.github.smmap4j.pack;

import io.github.smmap4j.core.ManagerStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.eclipse.jgit.lib.Repository;

/**
 * The latency curve (issue 14): what one random read costs as packs grow past the map limit.
 * For each repository (smallest first), {@code --random N} objects drawn uniformly by seed from
 * all its packed entries (with replacement; an entry's chance does not depend on where it lies,
 * so the draw spans the whole pack, 64-bit offsets included) are read whole, one
 * {@link System#nanoTime} pair around each read, through a database opened with the benchmark's
 * map limit, 1 GiB unless {@code --map-limit} says otherwise, and the window size the database
 * chooses unless {@code --window} says otherwise; JGit tuned reads the same ids with the same
 * window size and limit. Entries over {@link #HUGE} bytes
 * (the large pack's random blobs, whose cost is their size, not their place) are not in the
 * main draw: those the draw met are read in a sample of their own and reported as a throughput.
 * Each round opens fresh databases (so mapping from scratch is in the cost) after an unmeasured
 * warm-up read of the first ids; percentiles are over every round's reads pooled. Windows
 * mapped and unmapped are the smmap4j manager's counters over a round (index included).
 *
 * <p>Run: {@code PackBench --latency-curve --repos A,B,C [--random N] [--rounds N] [--map-limit 1g]
 * [--window 64m] [--seed 42] [--libs smmap4j,jgit-tuned] [--out DIR]}; the pack over 4 GiB comes
 * from {@code testdata/make-large-pack.sh}. The OS page cache is not dropped: the curve is the
 * library's cost of reaching objects in a pack far larger than its map limit, not the disk's.
 */
final class LatencyCurveBench {
    /** Map limit of this mode unless {@code --map-limit} is given. */
    static final long DEFAULT_MAP_LIMIT = 1L << 30;
    /** Entries larger than this (inflated) are sampled separately. */
    static final long HUGE = 1L << 20;
    /** At most this many huge entries are read per round. */
    private static final int HUGE_SAMPLE = 200;
    private static final long FOUR_GIB = 4L << 30;

    private final PackBench b;

    LatencyCurveBench(PackBench b) {
        this.b = b;
    }

    /** The ids to read in one repository and what the draw saw. */
    record Draw(ObjectId[] ids, ObjectId[] huge, long hugeBytes, int above4GiB, long maxOffset, int entries, long packBytes, long largeOffsets) {
    }

    /** One library's reads of one repository over all rounds. */
    record Curve(long[] nanos, long hugeNanos, long hugeBytes, int hugeReads, long sum, double mapsPerRound, double unmapsPerRound,
            long windowSize) {
        long percentile(double p) {
            return nanos[Math.min(nanos.length - 1, (int) Math.floor(p * nanos.length))];
        }

        double mean() {
            return Arrays.stream(nanos).average().orElse(0);
        }
    }

    int run() throws Exception {
        if (b.repos == null || b.repos.isEmpty()) {
            throw new IllegalArgumentException("--latency-curve needs --repos A,B,...");
        }
        b.printMachine();
        // smmap4j first: JGit tuned gets the window size smmap4j's manager chose (when --window is not given).
        List<String> libs = b.libs.stream().filter(l -> !l.equals(PackBench.JGIT_DEFAULT))
                .sorted((x, y) -> Boolean.compare(!x.equals(PackBench.SMMAP), !y.equals(PackBench.SMMAP))).toList();
        long requestedWindow = b.windowSize < 0 && !libs.contains(PackBench.SMMAP)
                ? io.github.smmap4j.core.SlidingWindowMapManager.DEFAULT_WINDOW_SIZE : b.windowSize;
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Map<Path, Draw> draws = new LinkedHashMap<>();
        for (Path repo : b.repos) {
            draws.put(repo, draw(repo));
        }
        List<Path> order = new ArrayList<>(b.repos);
        order.sort((x, y) -> Long.compare(draws.get(x).packBytes, draws.get(y).packBytes));
        Map<Path, Map<String, Curve>> curves = new LinkedHashMap<>();
        for (Path repo : order) {
            b.repo = repo;
            Draw d = draws.get(repo);
            Map<String, Curve> byLib = new LinkedHashMap<>();
            b.windowSize = requestedWindow;
            for (String lib : libs) {
                Curve c = measure(lib, d);
                byLib.put(lib, c);
                b.windowSize = c.windowSize;
            }
            long first = byLib.values().iterator().next().sum;
            for (Map.Entry<String, Curve> e : byLib.entrySet()) {
                if (e.getValue().sum != first) {
                    throw new IllegalStateException("CHECKSUM MISMATCH in " + repo + ": " + e.getKey());
                }
            }
            curves.put(repo, byLib);
        }
        String md = PackBench.machine() + "load average (1, 5, 15 min, /proc/loadavg) before: " + loadBefore + "; after: "
                + Files.readString(Path.of("/proc/loadavg")).strip() + "\n" + table(order, draws, curves, libs);
        System.out.println();
        System.out.println(md);
        if (b.out != null) {
            Files.createDirectories(b.out);
            Files.writeString(b.out.resolve("latency-curve.md"), md);
            System.out.println("wrote " + b.out.resolve("latency-curve.md"));
        }
        return 0;
    }

    /** Draws the ids of {@code repo}: uniform over its packed entries, huge ones set aside. */
    private Draw draw(Path repo) throws IOException {
        SplittableRandom rnd = new SplittableRandom(b.seed);
        int n = b.randomCount;
        List<ObjectId> ids = new ArrayList<>(n);
        List<ObjectId> huge = new ArrayList<>();
        long hugeBytes = 0;
        int above = 0;
        long maxOffset = 0;
        long packBytes = 0;
        long largeOffsets = 0;
        try (ObjectDatabase db = ObjectDatabase.builder(repo).format(ObjectFormat.SHA1).build(); ObjectReader r = db.newReader()) {
            List<PackFile> packs = db.packs();
            int[] starts = new int[packs.size() + 1];
            for (int i = 0; i < packs.size(); i++) {
                starts[i + 1] = starts[i] + packs.get(i).objectCount();
                packBytes += Files.size(packs.get(i).packPath());
                largeOffsets += largeOffsets(packs.get(i));
            }
            int total = starts[packs.size()];
            if (total == 0) {
                throw new IllegalArgumentException(repo + " has no packed objects");
            }
            for (long tries = 0; ids.size() < n && tries < 100L * n; tries++) {
                int pos = rnd.nextInt(total);
                int p = 0;
                while (starts[p + 1] <= pos) {
                    p++;
                }
                PackIndex index = packs.get(p).index();
                ObjectId id = index.idAt(pos - starts[p]);
                long offset = index.offsetAt(pos - starts[p]);
                long size = r.header(id).size();
                if (size > HUGE) {
                    if (huge.size() < HUGE_SAMPLE) {
                        huge.add(id);
                        hugeBytes += size;
                    }
                    continue;
                }
                ids.add(id);
                above += offset >= FOUR_GIB ? 1 : 0;
                maxOffset = Math.max(maxOffset, offset);
            }
            System.out.printf(Locale.ROOT, "# %s: %,d entries in %d pack(s), %,d bytes, %,d 64-bit offsets; drew %,d (%,d at >= 4 GiB), %,d huge%n",
                    repo, total, packs.size(), packBytes, largeOffsets, ids.size(), above, huge.size());
            return new Draw(ids.toArray(new ObjectId[0]), huge.toArray(new ObjectId[0]), hugeBytes, above, maxOffset, total, packBytes, largeOffsets);
        }
    }

    /** Entries of the idx's 64-bit offset table (v2: what its size leaves after the fixed parts). */
    private static long largeOffsets(PackFile p) throws IOException {
        long idx = Files.size(p.index().path());
        long fixed = 8 + 1024 + 28L * p.objectCount() + 40;
        return Math.max(0, (idx - fixed) / 8);
    }

    private Curve measure(String lib, Draw d) throws Exception {
        int warm = Math.min(d.ids.length, 5_000);
        List<long[]> rounds = new ArrayList<>();
        long hugeNanos = 0;
        long hugeBytes = 0;
        long sum = 0;
        long maps = 0;
        long unmaps = 0;
        long window = b.windowSize < 0 ? io.github.smmap4j.core.SlidingWindowMapManager.DEFAULT_WINDOW_SIZE : b.windowSize;
        for (int round = 0; round <= b.rounds; round++) { // round 0: warm-up, not measured
            long[] nanos = new long[round == 0 ? warm : d.ids.length];
            long[] huge = new long[1];
            System.gc();
            if (lib.equals(PackBench.SMMAP)) {
                try (ObjectDatabase db = b.openSmmap(); ObjectReader r = db.newReader()) {
                    long s = readSmmap(r, d, nanos, huge, round > 0);
                    ManagerStats after = db.manager().stats(); // a fresh manager: the round's, open included
                    window = after.windowSize();
                    if (round > 0) {
                        sum = s;
                        maps += after.regionMaps();
                        unmaps += after.regionUnmaps();
                    }
                }
            } else {
                try (Repository db = b.openJGit(lib); org.eclipse.jgit.lib.ObjectReader r = db.newObjectReader()) {
                    long s = readJGit(r, d, nanos, huge, round > 0);
                    if (round > 0) {
                        sum = s;
                    }
                }
            }
            if (round > 0) {
                rounds.add(nanos);
                hugeNanos += huge[0];
                hugeBytes += d.hugeBytes;
                long[] sorted = nanos.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "round %d %-10s %-40s median %7.1f µs p99 %8.1f µs%n", round, lib, b.repo,
                        sorted[sorted.length / 2] / 1e3, sorted[(int) (0.99 * sorted.length)] / 1e3);
            }
        }
        long[] all = rounds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Curve(all, hugeNanos, hugeBytes, d.huge.length * b.rounds, sum, (double) maps / b.rounds,
                (double) unmaps / b.rounds, window);
    }

    /** Reads {@code nanos.length} of the drawn ids, timing each, then (if {@code withHuge}) the huge sample. */
    private static long readSmmap(ObjectReader r, Draw d, long[] nanos, long[] huge, boolean withHuge) throws IOException {
        CRC32 crc = new CRC32();
        long sum = 0;
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            sum += PackBench.smmapContent(r, d.ids[i], crc);
            nanos[i] = System.nanoTime() - t0;
        }
        if (withHuge) {
            long t0 = System.nanoTime();
            for (ObjectId id : d.huge) {
                sum += PackBench.smmapContent(r, id, crc);
            }
            huge[0] = System.nanoTime() - t0;
        }
        return sum;
    }

    private static long readJGit(org.eclipse.jgit.lib.ObjectReader r, Draw d, long[] nanos, long[] huge, boolean withHuge)
            throws IOException {
        CRC32 crc = new CRC32();
        long sum = 0;
        for (int i = 0; i < nanos.length; i++) {
            org.eclipse.jgit.lib.ObjectId id = PackBench.jgit(d.ids[i]);
            long t0 = System.nanoTime();
            sum += PackBench.jgitContent(r, id, crc);
            nanos[i] = System.nanoTime() - t0;
        }
        if (withHuge) {
            long t0 = System.nanoTime();
            for (ObjectId id : d.huge) {
                sum += PackBench.jgitContent(r, PackBench.jgit(id), crc);
            }
            huge[0] = System.nanoTime() - t0;
        }
        return sum;
    }

    private String table(List<Path> order, Map<Path, Draw> draws, Map<Path, Map<String, Curve>> curves, List<String> libs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%n**Random full reads, one at a time, map limit %d MiB** (%,d objects of at most %d KiB per repository and round, %d rounds pooled; µs per object)%n%n",
                b.mapLimit >> 20, b.randomCount, HUGE >> 10, b.rounds));
        s.append("| repository | pack MB | entries | 64-bit offsets | drawn at ≥ 4 GiB | library | window | median | p99 | mean | vs smallest (median / p99 / mean) | windows mapped / unmapped per round | huge entries (> 1 MiB) read |\n");
        s.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Path repo : order) {
            Draw d = draws.get(repo);
            for (String lib : libs) {
                Curve c = curves.get(repo).get(lib);
                Curve small = curves.get(order.getFirst()).get(lib);
                String huge = c.hugeReads == 0 ? "none" : String.format(Locale.ROOT, "%,d at %.0f MB/s", c.hugeReads,
                        c.hugeBytes / 1e6 / (c.hugeNanos / 1e9));
                String windows = lib.equals(PackBench.SMMAP) ? String.format(Locale.ROOT, "%,.0f / %,.0f", c.mapsPerRound, c.unmapsPerRound) : "n/a";
                s.append(String.format(Locale.ROOT, "| %s | %,.1f | %,d | %,d | %,d | %s | %d MiB | %.1f | %.1f | %.1f | %.2f× / %.2f× / %.2f× | %s | %s |%n",
                        repo.getFileName().toString().equals("repo") ? repo.getParent().getFileName() : repo.getFileName(),
                        d.packBytes / 1e6, d.entries, d.largeOffsets, d.above4GiB, lib, c.windowSize >> 20,
                        c.percentile(0.5) / 1e3, c.percentile(0.99) / 1e3, c.mean() / 1e3,
                        (double) c.percentile(0.5) / small.percentile(0.5), (double) c.percentile(0.99) / small.percentile(0.99),
                        c.mean() / small.mean(), windows, huge));
            }
        }
        for (String lib : libs) {
            Curve small = curves.get(order.getFirst()).get(lib);
            Curve large = curves.get(order.getLast()).get(lib);
            s.append(String.format(Locale.ROOT, "%n%s, largest / smallest: median %.2f×, p99 %.2f×, mean %.2f× (target: within 1.5×)",
                    lib, (double) large.percentile(0.5) / small.percentile(0.5), (double) large.percentile(0.99) / small.percentile(0.99),
                    large.mean() / small.mean()));
            if (order.size() > 2) {
                Curve prev = curves.get(order.get(order.size() - 2)).get(lib);
                s.append(String.format(Locale.ROOT, "; largest / next largest: median %.2f×, p99 %.2f×, mean %.2f×",
                        (double) large.percentile(0.5) / prev.percentile(0.5), (double) large.percentile(0.99) / prev.percentile(0.99),
                        large.mean() / prev.mean()));
            }
        }
        s.append('\n');
        return s.toString();
    }
}
