package io.github.smmap4j.pack;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.eclipse.jgit.util.sha1.SHA1;

/**
 * Hasher throughput, by hand (not a test): the JDK's SHA-1 (an intrinsic, SHA-NI where the CPU
 * has it), {@link CollisionDetectingSha1} and JGit's collision-detecting SHA-1, each hashing
 * 512 MiB in 64 KiB updates, 5 rounds after a warm-up, in MB/s (10^6 bytes) median and min–max,
 * by wall time and by the process's CPU time (which a busy machine's other processes do not
 * inflate; the JIT and GC threads are idle by then).
 * <pre>
 *   mvn -B -ntp -o -q -pl pack-reader test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp pack-reader/target/classes:pack-reader/target/test-classes:$(cat /tmp/cp.txt) io.github.smmap4j.pack.Sha1Bench [MiB] [rounds]
 * </pre>
 */
public final class Sha1Bench {
    private interface Hasher {
        void update(byte[] b, int off, int len);

        byte[] digest();
    }

    private Sha1Bench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] buf = new byte[64 << 10];
        new Random(1).nextBytes(buf);
        long total = (long) mib << 20;
        String[] names = {"JDK SHA-1", "smmap4j CollisionDetectingSha1", "JGit SHA1 (detection on)"};
        List<List<Double>> rates = new ArrayList<>();
        List<List<Double>> cpuRates = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            rates.add(new ArrayList<>());
            cpuRates.add(new ArrayList<>());
            run(hasher(i), buf, 128L << 20); // warm-up
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.length; i++) { // the same order each round: each gets its own JIT state
                long cpu0 = cpuNanos();
                double s = run(hasher(i), buf, total);
                double cpu = (cpuNanos() - cpu0) / 1e9;
                rates.get(i).add(total / s / 1e6);
                cpuRates.get(i).add(total / cpu / 1e6);
                System.out.printf(Locale.ROOT, "round %d %-32s %8.1f MB/s (CPU time: %.1f MB/s)%n", r + 1, names[i],
                        total / s / 1e6, total / cpu / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "%n%d MiB in 64 KiB updates, %d rounds%n"
                + "| hasher | median MB/s | min–max MB/s | by CPU time: median | min–max |%n|---|---:|---:|---:|---:|%n", mib, rounds);
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", names[i], stats(rates.get(i)), stats(cpuRates.get(i)));
        }
    }

    /** The CPU time this process has used, in nanoseconds. */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** {@code median | min–max} of {@code rates}. */
    private static String stats(List<Double> rates) {
        List<Double> l = new ArrayList<>(rates);
        Collections.sort(l);
        return String.format(Locale.ROOT, "%.0f | %.0f–%.0f", l.get(l.size() / 2), l.getFirst(), l.getLast());
    }

    private static Hasher hasher(int i) throws Exception {
        return switch (i) {
            case 0 -> wrap(MessageDigest.getInstance("SHA-1"));
            case 1 -> wrap(new CollisionDetectingSha1());
            default -> {
                SHA1 j = SHA1.newInstance().setDetectCollision(true);
                yield new Hasher() {
                    @Override
                    public void update(byte[] b, int off, int len) {
                        j.update(b, off, len);
                    }

                    @Override
                    public byte[] digest() {
                        byte[] d = j.digest();
                        j.reset();
                        return d;
                    }
                };
            }
        };
    }

    private static Hasher wrap(MessageDigest md) {
        return new Hasher() {
            @Override
            public void update(byte[] b, int off, int len) {
                md.update(b, off, len);
            }

            @Override
            public byte[] digest() {
                return md.digest();
            }
        };
    }

    /** Seconds to hash {@code total} bytes of {@code buf}, repeated. */
    private static double run(Hasher h, byte[] buf, long total) {
        long t0 = System.nanoTime();
        for (long done = 0; done < total; done += buf.length) {
            h.update(buf, 0, buf.length);
        }
        byte[] d = h.digest();
        double s = (System.nanoTime() - t0) / 1e9;
        if (d.length != 20) {
            throw new IllegalStateException();
        }
        return s;
    }
}
