package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.jgit.lib.Repository;

/**
 * Many threads, one database (issue 14): random full reads (as W3), random header reads (type
 * and size: smmap4j's {@code header}, which walks a delta's chain for the type, against JGit's
 * {@code getObjectSize}, which has no type) and random size reads (the same work on both sides:
 * smmap4j's {@code size} against {@code getObjectSize}; op {@code size}) on 1, 2, 4, 8 and 16 threads sharing one {@link ObjectDatabase}, against JGit
 * tuned sharing one {@link Repository} with the same threads, in the same run; once with the
 * benchmark's map limit and once with 256 MiB, which forces evictions. Every thread count does
 * the same total work (the same random ids, taken from a shared counter), so throughput is
 * objects per second of wall time. Blocked time is the sum of JFR's {@code jdk.JavaMonitorEnter}
 * and {@code jdk.ThreadPark} durations (threshold 0) on the workers, as a share of their thread
 * time (threads x wall time). Checksums of each run equal across libraries and thread counts.
 *
 * <p>Run: {@code PackBench --threads-scaling [--repo PATH] [--random N] [--out DIR]} (the other
 * PackBench options apply: --window, --base-cache, --seed, --rounds).
 */
final class ThreadScalingBench {
    private static final String WORKER = "mt-worker-";

    private final PackBench b;

    ThreadScalingBench(PackBench b) {
        this.b = b;
    }

    /** One measurement: wall seconds, the checksum and the workers' blocked seconds. */
    record Run(double seconds, long sum, double blocked) {
    }

    /** Blocked seconds by the first frame of the library (or the waiting frame) that blocked, over the measured runs. */
    private final Map<String, Double> blockedAt = new LinkedHashMap<>();
    /** True during warm-up runs, whose blocking is not counted. */
    private boolean warming;

    int run() throws Exception {
        b.prepare();
        b.printMachine();
        int full = b.randomPositions.length;
        int headers = Math.min(b.ids.size(), full * 4);
        StringBuilder md = new StringBuilder();
        md.append(PackBench.machine()).append('\n');
        long defaultLimit = b.mapLimit;
        for (long limit : b.mapLimits != null ? b.mapLimits : new long[] {defaultLimit, 256L << 20}) {
            b.mapLimit = limit;
            for (String op : b.ops) {
                int n = op.equals("full") ? full : headers; // header and size reads are cheaper: 4 times as many
                Map<String, Map<Integer, List<Run>>> runs = new LinkedHashMap<>();
                Long expected = null;
                warming = true;
                for (String lib : List.of(PackBench.SMMAP, PackBench.JGIT_TUNED)) {
                    measure(lib, op, 2, Math.min(n, 20_000)); // JIT warm-up, not reported
                }
                warming = false;
                for (int round = 1; round <= b.rounds; round++) {
                    for (int t : b.threadCounts) {
                        for (String lib : List.of(PackBench.SMMAP, PackBench.JGIT_TUNED)) {
                            Run r = measure(lib, op, t, n);
                            if (expected == null) {
                                expected = r.sum;
                            } else if (expected != r.sum) {
                                throw new IllegalStateException("CHECKSUM MISMATCH: " + lib + " " + op + " " + t + " threads");
                            }
                            runs.computeIfAbsent(lib, k -> new LinkedHashMap<>()).computeIfAbsent(t, k -> new ArrayList<>()).add(r);
                            System.out.printf(Locale.ROOT, "round %d map-limit %dM %-6s %2d threads %-10s %7.3f s blocked %.1f%%%n",
                                    round, limit >> 20, op, t, lib, r.seconds, 100 * r.blocked / (t * r.seconds));
                        }
                    }
                }
                md.append(table(op, n, limit, runs)).append('\n');
            }
        }
        b.mapLimit = defaultLimit;
        md.append(hotspots());
        System.out.println(md);
        if (b.out != null) {
            Files.createDirectories(b.out);
            Files.writeString(b.out.resolve("threads.md"), md.toString());
            System.out.println("wrote " + b.out.resolve("threads.md"));
        }
        return 0;
    }

    private String table(String op, int n, long limit, Map<String, Map<Integer, List<Run>>> runs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%n**%s reads of %,d random objects, map limit %d MiB, windows %d MiB** (median of %d; objects/s, ratio to 1 thread, blocked share of thread time)%n%n",
                op, n, limit >> 20, b.effectiveWindow() >> 20, b.rounds));
        s.append("| threads | smmap4j obj/s | vs 1 thread | blocked | JGit tuned obj/s | vs 1 thread | blocked | smmap4j / JGit |\n");
        s.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<Integer, List<Run>> sm = runs.get(PackBench.SMMAP);
        Map<Integer, List<Run>> jg = runs.get(PackBench.JGIT_TUNED);
        int t1 = b.threadCounts[0];
        double sm1 = n / median(sm.get(t1)).seconds;
        double jg1 = n / median(jg.get(t1)).seconds;
        for (int t : b.threadCounts) {
            Run a = median(sm.get(t));
            Run c = median(jg.get(t));
            double ta = n / a.seconds;
            double tc = n / c.seconds;
            s.append(String.format(Locale.ROOT, "| %d | %,.0f | %.2f× | %.1f%% | %,.0f | %.2f× | %.1f%% | %.2f× |%n", t, ta, ta / sm1,
                    100 * a.blocked / (t * a.seconds), tc, tc / jg1, 100 * c.blocked / (t * c.seconds), ta / tc));
        }
        return s.toString();
    }

    private static Run median(List<Run> l) {
        List<Run> c = new ArrayList<>(l);
        c.sort((x, y) -> Double.compare(x.seconds, y.seconds));
        return c.get(c.size() / 2);
    }

    /** {@code n} reads of the benchmark's random ids, shared by {@code threads} workers of {@code lib}. */
    private Run measure(String lib, String op, int threads, int n) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong total = new AtomicLong();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Path jfr = Files.createTempFile("smmap4j-threads", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            rec.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
            double seconds;
            if (lib.equals(PackBench.SMMAP)) {
                try (ObjectDatabase db = b.openSmmap()) {
                    rec.start();
                    seconds = workers(threads, errors, () -> {
                        CRC32 crc = new CRC32();
                        long sum = 0;
                        try (ObjectReader r = db.newReader()) {
                            for (int i; (i = next.getAndIncrement()) < n; ) {
                                ObjectId id = b.ids.get(b.randomPositions[i % b.randomPositions.length]);
                                if (op.equals("full")) {
                                    sum += PackBench.smmapContent(r, id, crc);
                                } else if (op.equals("size")) {
                                    sum += PackBench.mix(PackBench.prefix(id), 0, r.size(id), 0);
                                } else {
                                    ObjectHeader h = r.header(id);
                                    sum += PackBench.mix(PackBench.prefix(id), 0, h.size(), 0);
                                }
                            }
                        }
                        total.addAndGet(sum);
                    });
                    rec.stop();
                }
            } else {
                try (Repository db = b.openJGit(lib)) {
                    rec.start();
                    seconds = workers(threads, errors, () -> {
                        CRC32 crc = new CRC32();
                        long sum = 0;
                        try (org.eclipse.jgit.lib.ObjectReader r = db.newObjectReader()) {
                            for (int i; (i = next.getAndIncrement()) < n; ) {
                                org.eclipse.jgit.lib.ObjectId id = b.jids[b.randomPositions[i % b.randomPositions.length]];
                                if (op.equals("full")) {
                                    sum += PackBench.jgitContent(r, id, crc);
                                } else {
                                    long size = r.getObjectSize(id, org.eclipse.jgit.lib.ObjectReader.OBJ_ANY);
                                    sum += PackBench.mix(PackBench.prefix(id), 0, size, 0);
                                }
                            }
                        }
                        total.addAndGet(sum);
                    });
                    rec.stop();
                }
            }
            if (!errors.isEmpty()) {
                throw new IllegalStateException(lib + " failed", errors.getFirst());
            }
            rec.dump(jfr);
            return new Run(seconds, total.get(), blockedSeconds(jfr, lib + " " + op + " " + (b.mapLimit >> 20) + "M"));
        } finally {
            Files.deleteIfExists(jfr);
        }
    }

    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private static double workers(int threads, List<Throwable> errors, Work work) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().name(WORKER + t).start(() -> {
                try {
                    work.run();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private double blockedSeconds(Path jfr, String what) throws IOException {
        double s = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (e.getThread() != null && e.getThread().getJavaName() != null && e.getThread().getJavaName().startsWith(WORKER)) {
                double d = e.getDuration().toNanos() / 1e9;
                s += d;
                if (!warming) {
                    blockedAt.merge(what + " at " + frame(e), d, Double::sum);
                }
            }
        }
        return s;
    }

    /** The first frame of the event's stack in smmap4j or JGit, else its top frame. */
    private static String frame(RecordedEvent e) {
        if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
            return "?";
        }
        for (var f : e.getStackTrace().getFrames()) {
            String c = f.getMethod().getType().getName();
            if (c.startsWith("io.github.smmap4j") || c.startsWith("org.eclipse.jgit")) {
                return c + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            }
        }
        var f = e.getStackTrace().getFrames().getFirst();
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The five places where the workers of each library and configuration blocked longest. */
    private String hotspots() {
        StringBuilder s = new StringBuilder("\nWhere workers blocked (seconds summed over every run):\n\n");
        blockedAt.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(12)
                .forEach(en -> s.append(String.format(Locale.ROOT, "- %.3f s %s%n", en.getValue(), en.getKey())));
        return s.toString();
    }
}
