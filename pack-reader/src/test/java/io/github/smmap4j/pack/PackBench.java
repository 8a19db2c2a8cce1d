package io.github.smmap4j.pack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.file.WindowCacheConfig;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.PackedObjectInfo;

/**
 * smmap4j vs JGit, side by side in one JVM, alternating library by library in every round so
 * that machine noise hits all of them alike. Not a test: run it with the {@code bench} profile
 * (see the README). Every run's checksum is compared with the other libraries' and a mismatch
 * fails the benchmark.
 *
 * <p>Workloads: W1 every packed object's content in pack order; W2 every object in id order;
 * W3 random existing ids (seeded); W4 type and size only of every packed object, in pack order
 * (smmap4j's header walk vs JGit's getObjectSize per id); W4T W4 on several threads (shares of each pack,
 * both libraries); W5 verify whole packs (smmap4j's
 * {@link PackVerifier} vs JGit's index-pack parser and {@code git verify-pack -v}, all three
 * hashing with SHA-1 collision detection); W5F W5 without collision detection (smmap4j alone:
 * {@link PackVerifier.CollisionDetection#OFF}; git and JGit's parser have no such switch);
 * W6 W1 on several threads sharing one database and map manager; W3N W3 with the
 * multi-pack-index not read (smmap4j's {@code multiPackIndex(false)}, JGit's
 * {@code core.multiPackIndex=false}), for repositories of many packs. Not in the default list.
 *
 * <p>A repository of many packs with a multi-pack-index, from any clone (here git.git's):
 * <pre>
 *   bash testdata/make-many-packs.sh /work/.mirror/git+git/repo /tmp/many-packs.git 60
 *   mvn -B -ntp -Pjgit-bench -pl pack-reader -am verify \
 *       -Djgit-bench.args="--repo /tmp/many-packs.git --workloads W3,W3N --rounds 3 --no-rss"
 * </pre>
 * The script (see its header) splits HEAD's first-parent history into commit ranges, one pack
 * each, and runs {@code git multi-pack-index write}; it writes only under its destination.
 */
public final class PackBench {
    // ---------------------------------------------------------------- options
    Path repo;
    int rounds = 3;
    List<String> workloads = List.of("W1", "W2", "W3", "W4", "W4T", "W5", "W5F", "W6", "W7");
    List<String> libs = List.of(SMMAP, JGIT_TUNED, JGIT_DEFAULT);
    /**
     * Timing runs: the library's defaults (8 GiB map limit; windows of 64 MiB, or a sixty-fourth of a
     * smaller limit, when -1 = no --window); JGit tuned gets the same ({@link #effectiveWindow}).
     */
    long windowSize = -1;
    long mapLimit = 8L << 30;
    /** --threads-scaling: the thread counts, operations and map limits measured. */
    int[] threadCounts = {1, 2, 4, 8, 16};
    List<String> ops = List.of("full", "header", "size");
    long[] mapLimits; // null: --map-limit's, then 256 MiB
    /** Peak-RSS runs (W1, one library per JVM): the map limit of the target. */
    long rssWindowSize = 16L << 20;
    long rssMapLimit = 64L << 20;
    long baseCache = ObjectDatabase.DEFAULT_BASE_CACHE;
    long streamThreshold = ObjectDatabase.DEFAULT_STREAM_THRESHOLD;
    int randomCount = 100_000;
    long seed = 42;
    int threads = 2;
    /** Objects per workload (W1/W4/W6: per pack, the first ranks; W2: the first ids); for quick experiments. */
    int limit = Integer.MAX_VALUE;
    boolean rss = true;
    /** Same heap cap for every library's RSS child (JGit's mapped windows are outside the heap). */
    String childXmx = "128m";
    String only;           // child mode: one library, report peak RSS
    boolean git = true;
    boolean jgitW5 = true;
    Path out;
    /** --latency-curve: the repositories of the curve. */
    List<Path> repos;

    static final String SMMAP = "smmap4j";
    static final String JGIT_TUNED = "jgit-tuned";
    static final String JGIT_DEFAULT = "jgit-default";
    static final String GIT = "git";

    // ---------------------------------------------------------------- shared inputs
    /** Every object id, sorted (packed and loose, unique). */
    List<ObjectId> ids;
    org.eclipse.jgit.lib.ObjectId[] jids;
    /** Every packed entry's id, pack by pack in offset order (what W1 reads). */
    org.eclipse.jgit.lib.ObjectId[] jPackOrder;
    int[] randomPositions;
    List<Path> packFiles;
    List<Path> idxFiles;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--cli")) { // whole processes: the CLI against git
            System.exit(CliBench.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        boolean threadScaling = args.length > 0 && args[0].equals("--threads-scaling"); // issue 14's many-threads table
        boolean latencyCurve = args.length > 0 && args[0].equals("--latency-curve"); // issue 14's packs past the map limit
        PackBench b = new PackBench();
        if (latencyCurve) {
            b.mapLimit = LatencyCurveBench.DEFAULT_MAP_LIMIT;
            b.windowSize = -1; // the database's own choice unless --window is given
        }
        b.parse(threadScaling || latencyCurve ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        int rc = threadScaling ? new ThreadScalingBench(b).run() : latencyCurve ? new LatencyCurveBench(b).run() : b.run();
        System.exit(rc);
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--fixture" -> repo = Fixtures.repo(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--workloads" -> workloads = List.of(args[++i].toUpperCase(Locale.ROOT).split(","));
                case "--libs" -> libs = List.of(args[++i].split(","));
                case "--window" -> windowSize = bytes(args[++i]);
                case "--map-limit" -> mapLimit = bytes(args[++i]);
                case "--rss-window" -> rssWindowSize = bytes(args[++i]);
                case "--rss-map-limit" -> rssMapLimit = bytes(args[++i]);
                case "--base-cache" -> baseCache = bytes(args[++i]);
                case "--random" -> randomCount = Integer.parseInt(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--no-rss" -> rss = false;
                case "--child-xmx" -> childXmx = args[++i];
                case "--only" -> only = args[++i];
                case "--no-git" -> git = false;
                case "--no-jgit-w5" -> jgitW5 = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--thread-counts" -> threadCounts = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--ops" -> ops = List.of(args[++i].split(","));
                case "--map-limits" -> mapLimits = java.util.Arrays.stream(args[++i].split(",")).mapToLong(PackBench::bytes).toArray();
                case "--repos" -> repos = Arrays.stream(args[++i].split(",")).map(Path::of).toList();
                case "--help", "-h" -> {
                    System.out.println("""
                            PackBench [--repo PATH | --fixture NAME] [--rounds N] [--workloads W1,..,W4,W4T,W5,W5F,W6,W7,W3N] [--libs smmap4j,jgit-tuned,jgit-default]
                                      [--window 64m] [--map-limit 8g] [--base-cache 32m] [--rss-window 16m] [--rss-map-limit 64m] [--random 100000] [--seed 42]
                                      [--threads 2] [--limit N] [--no-rss] [--child-xmx 128m] [--no-git] [--no-jgit-w5] [--out DIR]
                                      [--only LIB]   (child mode: W1 once for LIB, prints its peak RSS)
                  PackBench --cli [--repo PATH] [--rounds 3] [--out DIR]   (whole processes: ./smmap4j against git, see CliBench)
                  PackBench --threads-scaling [--repo PATH] [--random N] [--rounds N] [--out DIR]   (1-16 threads on one database, see ThreadScalingBench)
                                      [--thread-counts 1,2,4,8,16] [--ops full,header,size] [--map-limits 8g,256m]
                  PackBench --latency-curve --repos A,B,.. [--random N] [--rounds N] [--map-limit 1g] [--out DIR]   (per-object latency by pack size, see LatencyCurveBench)
                            Without --repo the bundled testdata fixture 'history' is used.""");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
    }

    static long bytes(String s) {
        s = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        char c = s.charAt(s.length() - 1);
        if (c == 'k' || c == 'm' || c == 'g') {
            mul = c == 'k' ? 1L << 10 : c == 'm' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mul;
    }

    int run() throws Exception {
        if (repo == null) {
            repo = Fixtures.repo("history");
            System.out.println("# no --repo given: using the bundled fixture 'history' at " + repo);
        }
        prepare();
        if (only != null) {
            return child();
        }
        printMachine();
        Map<String, Map<String, List<Double>>> times = new LinkedHashMap<>(); // workload -> lib -> seconds
        Map<String, Long> expected = new LinkedHashMap<>();
        warmUp();
        for (int round = 1; round <= rounds; round++) {
            for (String w : workloads) {
                // Alternate which library goes first from round to round.
                List<String> order = new ArrayList<>(libsFor(w));
                java.util.Collections.rotate(order, -(round - 1));
                for (String lib : order) {
                    System.gc();
                    long t0 = System.nanoTime();
                    long sum = runOne(lib, w, limit);
                    double s = (System.nanoTime() - t0) / 1e9;
                    String key = checksumKey(lib, w);
                    Long prev = expected.putIfAbsent(key, sum);
                    if (prev != null && prev != sum) {
                        throw new IllegalStateException("CHECKSUM MISMATCH in " + w + ": " + lib + " got "
                                + Long.toHexString(sum) + ", expected " + Long.toHexString(prev));
                    }
                    times.computeIfAbsent(w, k -> new LinkedHashMap<>()).computeIfAbsent(lib, k -> new ArrayList<>()).add(s);
                    System.out.printf(Locale.ROOT, "round %d %-3s %-13s %8.3f s  checksum %016x%n", round, w, lib, s, sum);
                }
            }
        }
        Map<String, String> rssLines = new LinkedHashMap<>();
        if (rss) {
            for (String lib : libs) {
                rssLines.put(lib, spawnChild(lib));
            }
        }
        String table = table(times, rssLines);
        System.out.println();
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("results.md"), machine() + "\n" + table);
            Files.writeString(out.resolve("ratios.svg"), svg(times));
            System.out.println("wrote " + out.resolve("results.md") + " and " + out.resolve("ratios.svg"));
        }
        return 0;
    }

    List<String> libsFor(String w) {
        List<String> l = new ArrayList<>();
        if (w.equals("W5F")) {
            return libs.contains(SMMAP) ? List.of(SMMAP) : l; // only smmap4j can verify without detection
        }
        for (String lib : libs) {
            if (w.equals("W5") && lib.equals(JGIT_DEFAULT)) {
                continue; // the pack parser does not read through the window cache: one JGit entry
            }
            if (w.equals("W5") && lib.startsWith("jgit") && !jgitW5) {
                continue;
            }
            l.add(lib);
        }
        if (w.equals("W5") && git && hasGit()) {
            l.add(GIT);
        }
        return l;
    }

    /** W5 checksums differ in kind between libraries that report entries and git (exit status); W5F's must equal W5's. */
    static String checksumKey(String lib, String w) {
        return w.equals("W5") && lib.equals(GIT) ? "W5-git" : w.equals("W5F") ? "W5" : w;
    }

    void warmUp() throws Exception {
        // JIT warm-up on a prefix of the work; not timed, but checksummed against each other.
        int n = Math.min(20_000, ids.size());
        for (String w : workloads) {
            if (w.startsWith("W5")) {
                continue;
            }
            Long first = null;
            for (String lib : libs) {
                long s = runOne(lib, w, n);
                // W7's share is whichever objects its threads reached first: no common checksum.
                if (first != null && first != s && !w.equals("W7")) {
                    throw new IllegalStateException("CHECKSUM MISMATCH in warm-up " + w + ": " + lib);
                }
                first = s;
            }
        }
        System.out.println("# warm-up done (" + n + " objects per workload and library)");
    }

    void prepare() throws IOException {
        if (only != null && only.equals(SMMAP)) {
            // Child for peak RSS: smmap4j's W1 needs no id lists; load nothing the library would not.
            ids = List.of();
            randomPositions = new int[0];
            return;
        }
        try (ObjectDatabase db = ObjectDatabase.builder(repo).format(ObjectFormat.SHA1).build()) {
            List<ObjectId> all = new ArrayList<>();
            if (only == null) {
                db.forEachId(all::add);
            }
            ids = all;
            packFiles = new ArrayList<>();
            idxFiles = new ArrayList<>();
            List<org.eclipse.jgit.lib.ObjectId> po = new ArrayList<>();
            for (PackFile p : db.packs()) {
                packFiles.add(p.packPath());
                idxFiles.add(p.index().path());
                int n = p.objectCount();
                long[] offs = new long[n];
                for (int i = 0; i < n; i++) {
                    offs[i] = p.index().offsetAt(i);
                }
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (x, y) -> Long.compare(offs[x], offs[y]));
                for (int i = 0; i < n; i++) {
                    po.add(jgit(p.index().idAt(order[i])));
                }
            }
            jPackOrder = po.toArray(new org.eclipse.jgit.lib.ObjectId[0]);
        }
        jids = new org.eclipse.jgit.lib.ObjectId[ids.size()];
        for (int i = 0; i < jids.length; i++) {
            jids[i] = jgit(ids.get(i));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        randomPositions = new int[ids.isEmpty() ? 0 : Math.max(randomCount, 0)];
        for (int i = 0; i < randomPositions.length; i++) {
            randomPositions[i] = rnd.nextInt(ids.size());
        }
        System.out.printf(Locale.ROOT, "# repository %s: %d objects, %d packed entries in %d pack(s), %d MB of packs%n",
                repo, ids.size(), jPackOrder.length, packFiles.size(),
                packFiles.stream().mapToLong(p -> p.toFile().length()).sum() >> 20);
        if (workloads.contains("W3N") && only == null) {
            for (boolean midx : new boolean[] {true, false}) { // what each library reads in W3 and W3N
                try (ObjectDatabase db = openSmmap(midx); Repository r = openJGit(JGIT_TUNED, midx)) {
                    System.out.printf(Locale.ROOT, "# %s: smmap4j uses %d multi-pack-index(es), JGit sees %d pack(s)%n",
                            midx ? "W3" : "W3N", db.storage().packs().multiPackIndexes().size(),
                            ((org.eclipse.jgit.internal.storage.file.FileRepository) r).getObjectDatabase().getPacks().size());
                }
            }
        }
    }

    static org.eclipse.jgit.lib.ObjectId jgit(ObjectId id) {
        return org.eclipse.jgit.lib.ObjectId.fromRaw(id.toByteArray());
    }

    // ---------------------------------------------------------------- checksums

    /** Mixes one object into a per-object hash; the workload checksum is the sum (order-free). */
    static long mix(long idPrefix, int type, long size, int crc) {
        long h = idPrefix ^ (size * 0x9E3779B97F4A7C15L) ^ ((long) crc << 32 | (type & 0xff));
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    static long prefix(ObjectId id) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | id.byteAt(i);
        }
        return v;
    }

    static long prefix(org.eclipse.jgit.lib.AnyObjectId id) {
        byte[] b = new byte[20];
        id.copyRawTo(b, 0);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    // ---------------------------------------------------------------- dispatch

    long runOne(String lib, String w, int limit) throws Exception {
        return switch (lib) {
            case SMMAP -> smmap(w, limit);
            case JGIT_TUNED, JGIT_DEFAULT -> jgit(lib, w, limit);
            case GIT -> gitVerifyPack();
            default -> throw new IllegalArgumentException("unknown library " + lib);
        };
    }

    ObjectDatabase openSmmap() throws IOException {
        return openSmmap(true);
    }

    /** Opens the repository with the benchmark's settings; {@code midx} false: the multi-pack-index is not read (W3N). */
    ObjectDatabase openSmmap(boolean midx) throws IOException {
        return ObjectDatabase.builder(repo).format(ObjectFormat.SHA1).windowSize(windowSize)
                .maxMappedMemory(mapLimit).deltaBaseCache(baseCache).streamThreshold(streamThreshold)
                .multiPackIndex(midx).build();
    }

    long smmap(String w, int limit) throws Exception {
        try (ObjectDatabase db = openSmmap(!w.equals("W3N"))) {
            return switch (w) {
                case "W1" -> smmapPackOrder(db, limit, 1);
                case "W2" -> {
                    long sum = 0;
                    CRC32 crc = new CRC32();
                    try (ObjectReader r = db.newReader()) {
                        int n = Math.min(limit, ids.size());
                        for (int i = 0; i < n; i++) {
                            sum += smmapContent(r, ids.get(i), crc);
                        }
                    }
                    yield sum;
                }
                case "W3", "W3N" -> {
                    long sum = 0;
                    CRC32 crc = new CRC32();
                    try (ObjectReader r = db.newReader()) {
                        int n = Math.min(limit, randomPositions.length);
                        for (int i = 0; i < n; i++) {
                            sum += smmapContent(r, ids.get(randomPositions[i]), crc);
                        }
                    }
                    yield sum;
                }
                case "W4" -> smmapPackInfo(db, limit, 1);
                case "W4T" -> smmapPackInfo(db, limit, threads);
                case "W5", "W5F" -> {
                    long[] sum = {0};
                    PackVerifier.CollisionDetection detection = w.equals("W5") ? PackVerifier.CollisionDetection.ON
                            : PackVerifier.CollisionDetection.OFF;
                    for (PackFile p : db.packs()) {
                        PackVerifier.verify(db, p, threads, e -> sum[0] += mix(prefix(e.id()), 0, e.offset(), e.crc32()), detection);
                    }
                    yield sum[0];
                }
                case "W6" -> smmapPackOrder(db, limit, threads);
                case "W7" -> smmapAnyOrder(db, limit, threads);
                default -> throw new IllegalArgumentException(w);
            };
        }
    }

    /** Feeds all of {@code in} (then closed) to {@code crc}; returns the number of bytes. */
    static long crcOf(InputStream in, CRC32 crc) throws IOException {
        long size = 0;
        try (in) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
                size += n;
            }
        }
        return size;
    }

    static long smmapContent(ObjectReader r, ObjectId id, CRC32 crc) throws IOException {
        ObjectLoader l = r.open(id);
        crc.reset();
        if (l.isLarge()) {
            crcOf(l.openStream(), crc);
        } else {
            byte[] b = l.bytes();
            crc.update(b, 0, b.length);
        }
        return mix(prefix(id), l.type().code(), l.size(), (int) crc.getValue());
    }

    /** Work for one of {@link #onThreads}'s threads: {@code thread} of {@code n}; returns its checksum share. */
    interface ThreadWork {
        long run(int thread, int n) throws Exception;
    }

    /** Runs {@code work} on {@code n} platform threads named {@code name-<t>}; returns the sum of their results, or throws the first failure. */
    static long onThreads(String name, int n, ThreadWork work) throws InterruptedException {
        java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int me = t;
            ts.add(Thread.ofPlatform().name(name + "-" + t).start(() -> {
                try {
                    total.add(work.run(me, n));
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread th : ts) {
            th.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(name + " failed", errors.getFirst());
        }
        return total.sum();
    }

    /** The first of {@code count} items in the share of thread {@code t} of {@code n} (its share ends where thread {@code t + 1}'s starts). */
    static int shareStart(int count, int t, int n) {
        return (int) ((long) count * t / n);
    }

    /** W4 (threads == 1) and W4T: the pack-order info walk, each thread taking a contiguous share of each pack. */
    long smmapPackInfo(ObjectDatabase db, int limit, int nThreads) throws Exception {
        return onThreads("smmap-info", nThreads, (me, n) -> {
            long[] sum = {0};
            try (ObjectReader r = db.newReader()) {
                for (PackFile p : db.packs()) {
                    int count = Math.min(limit, p.objectCount());
                    r.walkPackInfo(p, shareStart(count, me, n), shareStart(count, me + 1, n),
                            e -> sum[0] += mix(prefix(e.id()), 0, e.size(), 0));
                }
            }
            return sum[0];
        });
    }

    /** W1 (threads == 1) and W6: the pack-order walk, each thread taking a contiguous share of each pack. */
    long smmapPackOrder(ObjectDatabase db, int limit, int nThreads) throws Exception {
        return onThreads("smmap-walk", nThreads, (me, n) -> {
            CRC32 crc = new CRC32();
            long[] sum = {0};
            try (ObjectReader r = db.newReader()) {
                for (PackFile p : db.packs()) {
                    int count = Math.min(limit, p.objectCount());
                    r.walkPackOrder(p, shareStart(count, me, n), shareStart(count, me + 1, n),
                            (id, type, size, data, large) -> sum[0] += visited(crc, id, type, size, data, large));
                }
            }
            return sum[0];
        });
    }

    /** The checksum share of one object a bulk visitor got: its content in {@code data[0, size)} or {@code large} (then read and closed). */
    static long visited(CRC32 crc, ObjectId id, ObjectType type, long size, byte[] data, InputStream large) throws IOException {
        crc.reset();
        long got = size;
        if (large != null) {
            got = crcOf(large, crc);
        } else {
            crc.update(data, 0, (int) size);
        }
        return mix(prefix(id), type.code(), got, (int) crc.getValue());
    }

    /** Stops a warm-up run of W7 after its share of objects. */
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super(null, null, false, false);
        }
    }

    /** W7: every object once, in any order, on {@code nThreads} threads ({@link ObjectDatabase#forEachObjectInAnyOrder}). */
    long smmapAnyOrder(ObjectDatabase db, int limit, int nThreads) throws Exception {
        java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        ThreadLocal<CRC32> crcs = ThreadLocal.withInitial(CRC32::new);
        try {
            db.forEachObjectInAnyOrder(nThreads, (id, type, size, data, large) -> {
                if (limit != Integer.MAX_VALUE && seen.incrementAndGet() > limit) {
                    throw new Enough();
                }
                total.add(visited(crcs.get(), id, type, size, data, large));
            });
        } catch (Enough stop) {
            // warm-up share done
        }
        return total.sum();
    }

    // ---------------------------------------------------------------- JGit

    /** The window smmap4j maps with: --window, else the library's choice for the map limit. */
    long effectiveWindow() {
        if (windowSize >= 0) {
            return windowSize;
        }
        try (io.github.smmap4j.core.SlidingWindowMapManager m = io.github.smmap4j.core.SlidingWindowMapManager.builder()
                .maxMappedMemory(mapLimit).build()) {
            return m.windowSize();
        }
    }

    void installJGit(String lib) {
        WindowCacheConfig c = new WindowCacheConfig();
        if (lib.equals(JGIT_TUNED)) {
            c.setPackedGitMMAP(true);
            c.setPackedGitWindowSize((int) effectiveWindow());
            c.setPackedGitLimit(mapLimit);
            c.setDeltaBaseCacheLimit((int) baseCache);
            c.setStreamFileThreshold((int) streamThreshold);
        }
        c.install(); // a fresh global window cache: nothing carries over between runs
    }

    Repository openJGit(String lib) throws IOException {
        return openJGit(lib, true);
    }

    /**
     * Opens the repository for JGit; {@code midx} false: with {@code core.multiPackIndex=false} in
     * a user configuration of its own (JGit reads the setting once, when the repository is built).
     */
    Repository openJGit(String lib, boolean midx) throws IOException {
        if (midx) {
            return buildJGit(lib);
        }
        org.eclipse.jgit.util.SystemReader outer = org.eclipse.jgit.util.SystemReader.getInstance();
        org.eclipse.jgit.util.SystemReader.setInstance(new org.eclipse.jgit.util.SystemReader.Delegate(outer) {
            @Override
            public org.eclipse.jgit.lib.StoredConfig getUserConfig()
                    throws org.eclipse.jgit.errors.ConfigInvalidException, IOException {
                org.eclipse.jgit.storage.file.FileBasedConfig c = new org.eclipse.jgit.storage.file.FileBasedConfig(
                        outer.getUserConfig(), new java.io.File("/dev/null"), org.eclipse.jgit.util.FS.DETECTED) {
                    @Override
                    public void load() {
                        // in memory only
                    }

                    @Override
                    public boolean isOutdated() {
                        return false;
                    }
                };
                c.setBoolean("core", null, "multiPackIndex", false);
                return c;
            }
        });
        try {
            return buildJGit(lib);
        } finally {
            org.eclipse.jgit.util.SystemReader.setInstance(outer);
        }
    }

    private Repository buildJGit(String lib) throws IOException {
        installJGit(lib);
        FileRepositoryBuilder b = new FileRepositoryBuilder().setMustExist(true);
        if (Files.isDirectory(repo.resolve(".git"))) {
            b.setGitDir(repo.resolve(".git").toFile());
        } else if (repo.getFileName().toString().equals("objects")) {
            b.setGitDir(repo.getParent().toFile()).setObjectDirectory(repo.toFile());
        } else {
            b.setGitDir(repo.toFile());
        }
        return b.build();
    }

    long jgit(String lib, String w, int limit) throws Exception {
        if (w.equals("W5")) {
            return jgitIndexPack();
        }
        try (Repository db = openJGit(lib, !w.equals("W3N"))) {
            return switch (w) {
                case "W1" -> jgitList(db, jPackOrder, limit, 1);
                case "W2" -> jgitList(db, jids, limit, 1);
                case "W3", "W3N" -> {
                    int n = Math.min(limit, randomPositions.length);
                    org.eclipse.jgit.lib.ObjectId[] l = new org.eclipse.jgit.lib.ObjectId[n];
                    for (int i = 0; i < n; i++) {
                        l[i] = jids[randomPositions[i]];
                    }
                    yield jgitList(db, l, n, 1);
                }
                case "W4" -> jgitSizes(db, limit, 1);
                case "W4T" -> jgitSizes(db, limit, threads);
                case "W6", "W7" -> jgitList(db, jPackOrder, limit, threads); // JGit has no any-order engine: its W6
                default -> throw new IllegalArgumentException(w);
            };
        }
    }

    /** W4/W4T for JGit: its nearest, the size without content (it has no type-only lookup), over shares of the pack order. */
    long jgitSizes(Repository db, int limit, int nThreads) throws Exception {
        org.eclipse.jgit.lib.ObjectId[] l = limit == Integer.MAX_VALUE ? jPackOrder : packPrefixes(limit);
        return onThreads("jgit-size", nThreads, (me, n) -> {
            long sum = 0;
            try (org.eclipse.jgit.lib.ObjectReader r = db.newObjectReader()) {
                for (int i = shareStart(l.length, me, n), to = shareStart(l.length, me + 1, n); i < to; i++) {
                    sum += mix(prefix(l[i]), 0, r.getObjectSize(l[i], org.eclipse.jgit.lib.ObjectReader.OBJ_ANY), 0);
                }
            }
            return sum;
        });
    }

    long jgitList(Repository db, org.eclipse.jgit.lib.ObjectId[] list, int limit, int nThreads) throws Exception {
        if (list == jPackOrder && limit != Integer.MAX_VALUE) {
            list = packPrefixes(limit); // warm-up: the same per-pack prefixes smmap4j walks
        }
        org.eclipse.jgit.lib.ObjectId[] l = list;
        int count = Math.min(limit, list.length);
        return onThreads("jgit", nThreads, (me, n) -> {
            CRC32 crc = new CRC32();
            long sum = 0;
            try (org.eclipse.jgit.lib.ObjectReader r = db.newObjectReader()) {
                for (int i = shareStart(count, me, n), to = shareStart(count, me + 1, n); i < to; i++) {
                    sum += jgitContent(r, l[i], crc);
                }
            }
            return sum;
        });
    }

    final Map<Path, Integer> packCounts = new java.util.HashMap<>();

    int packCount(Path pack) throws IOException {
        synchronized (packCounts) {
            Integer c = packCounts.get(pack);
            if (c == null) {
                try (var ch = java.nio.channels.FileChannel.open(pack)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12);
                    ch.read(b, 0);
                    c = b.getInt(8);
                }
                packCounts.put(pack, c);
            }
            return c;
        }
    }

    org.eclipse.jgit.lib.ObjectId[] packPrefixes(int limit) throws IOException {
        List<org.eclipse.jgit.lib.ObjectId> l = new ArrayList<>();
        int base = 0;
        for (Path p : packFiles) {
            int n = packCount(p);
            for (int i = 0; i < Math.min(n, limit); i++) {
                l.add(jPackOrder[base + i]);
            }
            base += n;
        }
        return l.toArray(new org.eclipse.jgit.lib.ObjectId[0]);
    }

    static long jgitContent(org.eclipse.jgit.lib.ObjectReader r, org.eclipse.jgit.lib.ObjectId id, CRC32 crc) throws IOException {
        org.eclipse.jgit.lib.ObjectLoader l = r.open(id);
        crc.reset();
        if (l.isLarge()) {
            crcOf(l.openStream(), crc);
        } else {
            byte[] b = l.getCachedBytes();
            crc.update(b, 0, b.length);
        }
        return mix(prefix(id), l.getType(), l.getSize(), (int) crc.getValue());
    }

    /** JGit's nearest to verify-pack: index-pack (PackParser) into an empty scratch repository. */
    long jgitIndexPack() throws IOException {
        long sum = 0;
        Path tmp = Files.createTempDirectory("smmap4j-bench-indexpack-");
        try {
            for (Path pack : packFiles) {
                try (Repository scratch = FileRepositoryBuilder.create(tmp.resolve("scratch.git").toFile())) {
                    if (!Files.exists(tmp.resolve("scratch.git"))) {
                        scratch.create(true);
                    }
                    try (ObjectInserter ins = scratch.newObjectInserter();
                         InputStream in = new BufferedInputStream(Files.newInputStream(pack), 1 << 16)) {
                        PackParser pp = ins.newPackParser(in);
                        pp.setAllowThin(false);
                        pp.parse(NullProgressMonitor.INSTANCE);
                        ins.flush();
                        for (PackedObjectInfo e : pp.getSortedObjectList(null)) {
                            sum += mix(prefix(e), 0, e.getOffset(), e.getCRC());
                        }
                    }
                }
                Fixtures.deleteTree(tmp.resolve("scratch.git"));
            }
        } finally {
            Fixtures.deleteTree(tmp);
        }
        return sum;
    }

    // ---------------------------------------------------------------- git

    static Boolean hasGit;

    static boolean hasGit() {
        if (hasGit == null) {
            try {
                hasGit = new ProcessBuilder("git", "--version").redirectErrorStream(true).start().waitFor() == 0;
            } catch (IOException | InterruptedException e) {
                hasGit = false;
            }
        }
        return hasGit;
    }

    long gitVerifyPack() throws IOException, InterruptedException {
        long sum = 0;
        for (Path idx : idxFiles) {
            Process p = new ProcessBuilder("git", "verify-pack", "-v", idx.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("git verify-pack failed on " + idx + " (exit " + rc + ")");
            }
            sum += 1;
        }
        return sum;
    }

    // ---------------------------------------------------------------- peak RSS, one library per JVM

    int child() throws Exception {
        resetPeakHeap();
        long t0 = System.nanoTime();
        long sum = runOne(only, workloads.getFirst(), Integer.MAX_VALUE);
        double s = (System.nanoTime() - t0) / 1e9;
        long peakHeap = peakHeap();
        System.out.printf(Locale.ROOT, "CHILD %s %s %.3f s checksum %016x VmHWM %d kB peakHeap %d kB%n",
                only, workloads.getFirst(), s, sum, vmHwmKb(), peakHeap >> 10);
        return 0;
    }

    /** java.management through reflection: the test sources are compiled inside the library's module. */
    static List<Object> heapPools() {
        try {
            Class<?> mf = Class.forName("java.lang.management.ManagementFactory");
            Class<?> type = Class.forName("java.lang.management.MemoryType");
            Object heapType = type.getField("HEAP").get(null);
            List<Object> out = new ArrayList<>();
            for (Object pool : (List<?>) mf.getMethod("getMemoryPoolMXBeans").invoke(null)) {
                Class<?> iface = Class.forName("java.lang.management.MemoryPoolMXBean");
                if (iface.getMethod("getType").invoke(pool) == heapType) {
                    out.add(pool);
                }
            }
            return out;
        } catch (ReflectiveOperationException e) {
            return List.of();
        }
    }

    static void resetPeakHeap() {
        try {
            Class<?> iface = Class.forName("java.lang.management.MemoryPoolMXBean");
            for (Object pool : heapPools()) {
                iface.getMethod("resetPeakUsage").invoke(pool);
            }
        } catch (ReflectiveOperationException ignored) {
            // no peak heap then
        }
    }

    static long peakHeap() {
        long sum = 0;
        try {
            Class<?> iface = Class.forName("java.lang.management.MemoryPoolMXBean");
            Class<?> usage = Class.forName("java.lang.management.MemoryUsage");
            for (Object pool : heapPools()) {
                Object u = iface.getMethod("getPeakUsage").invoke(pool);
                sum += (long) usage.getMethod("getUsed").invoke(u);
            }
        } catch (ReflectiveOperationException ignored) {
            return -1;
        }
        return sum;
    }

    static long vmHwmKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    String spawnChild(String lib) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + childXmx, "-cp", System.getProperty("java.class.path"),
                PackBench.class.getName(), "--repo", repo.toString(), "--only", lib, "--workloads", "W1",
                "--window", Long.toString(rssWindowSize), "--map-limit", Long.toString(rssMapLimit),
                "--base-cache", Long.toString(baseCache)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        String line = outText.lines().filter(x -> x.startsWith("CHILD ")).findFirst().orElse(null);
        if (rc != 0 || line == null) {
            System.out.println(outText);
            return "failed (exit " + rc + ")";
        }
        System.out.println("# " + line);
        String[] f = line.split("\\s+");
        long hwm = Long.parseLong(f[8]);
        long ph = Long.parseLong(f[11]);
        String config = lib.equals(JGIT_DEFAULT) ? "JGit's default window cache"
                : String.format(Locale.ROOT, "window %d MiB, map limit %d MiB, base cache %d MiB", rssWindowSize >> 20, rssMapLimit >> 20, baseCache >> 20);
        return String.format(Locale.ROOT, "peak RSS %d MB, peak heap %d MB (W1 alone in a JVM, -Xmx%s, %s; took %s s)",
                hwm >> 10, ph >> 10, childXmx, config, f[3]);
    }

    // ---------------------------------------------------------------- report

    static double median(List<Double> l) {
        double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static String spread(List<Double> l) {
        double lo = l.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = l.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return String.format(Locale.ROOT, "%.2f–%.2f", lo, hi);
    }

    String table(Map<String, Map<String, List<Double>>> times, Map<String, String> rssLines) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | library | median s | min–max s | ratio (lib / smmap4j) |\n");
        sb.append("|---|---|---:|---:|---:|\n");
        for (var we : times.entrySet()) {
            List<Double> ours = we.getValue().get(SMMAP);
            double om = ours == null ? Double.NaN : median(ours);
            for (var le : we.getValue().entrySet()) {
                double m = median(le.getValue());
                String ratio = le.getKey().equals(SMMAP) ? "1.00" : String.format(Locale.ROOT, "%.2f×", m / om);
                sb.append(String.format(Locale.ROOT, "| %s %s | %s | %.2f | %s | %s |%n", we.getKey(), describe(we.getKey()),
                        label(le.getKey(), we.getKey()), m, spread(le.getValue()), ratio));
            }
        }
        if (!rssLines.isEmpty()) {
            sb.append("\n");
            for (var e : rssLines.entrySet()) {
                sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append("\n");
            }
        }
        sb.append(String.format(Locale.ROOT, "%nrounds %d; window %d MiB, map limit %d MiB, delta base cache %d MiB, %d random ids (seed %d), %d threads for W4T/W5/W6/W7%n",
                rounds, effectiveWindow() >> 20, mapLimit >> 20, baseCache >> 20, randomPositions.length, seed, threads));
        return sb.toString();
    }

    static String describe(String w) {
        return switch (w) {
            case "W1" -> "pack order";
            case "W2" -> "id order";
            case "W3" -> "random ids";
            case "W3N" -> "random ids, no multi-pack-index";
            case "W4" -> "type+size, pack order";
            case "W4T" -> "W4 on all threads";
            case "W5" -> "verify pack";
            case "W5F" -> "verify pack, no collision detection";
            case "W6" -> "W1 ×2 threads";
            case "W7" -> "any order, all threads";
            default -> "";
        };
    }

    static String label(String lib, String w) {
        if (w.equals("W5F")) {
            return "smmap4j PackVerifier, CollisionDetection.OFF";
        }
        if (w.equals("W5")) {
            return switch (lib) {
                case SMMAP -> "smmap4j PackVerifier";
                case GIT -> "git verify-pack -v";
                default -> "JGit PackParser (index-pack)";
            };
        }
        return lib;
    }

    /** The ratio chart of {@code times}: one bar per workload and other library, its median over smmap4j's. */
    static String svg(Map<String, Map<String, List<Double>>> times) {
        List<RatioChart.Bar> bars = new ArrayList<>();
        for (var we : times.entrySet()) {
            List<Double> ours = we.getValue().get(SMMAP);
            if (ours == null) {
                continue;
            }
            double om = median(ours);
            for (var le : we.getValue().entrySet()) {
                if (!le.getKey().equals(SMMAP)) {
                    bars.add(new RatioChart.Bar(we.getKey() + " " + label(le.getKey(), we.getKey()), median(le.getValue()) / om));
                }
            }
        }
        return RatioChart.svg("time of the other / time of smmap4j (higher = smmap4j faster)", bars);
    }

    static String machine() throws IOException {
        long memKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        String cpu = "?";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).strip();
                break;
            }
        }
        return String.format(Locale.ROOT, "machine: %s, %d cores, %d GB RAM, JDK %s (%s), %s, %s UTC%n",
                cpu, Runtime.getRuntime().availableProcessors(), memKb >> 20, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toLocalDateTime());
    }

    void printMachine() throws IOException {
        System.out.print("# " + machine());
        System.out.printf(Locale.ROOT, "# JGit %s; max heap %d MB%n", jgitVersion(), Runtime.getRuntime().maxMemory() >> 20);
    }

    static String jgitVersion() {
        String v = Repository.class.getPackage().getImplementationVersion();
        return v != null ? v : "7.8.1 (test scope)";
    }

    static {
        // Keep JGit from touching the user's global config or spawning git to find it.
        System.setProperty("jgit.gitprefix", "");
    }
}
