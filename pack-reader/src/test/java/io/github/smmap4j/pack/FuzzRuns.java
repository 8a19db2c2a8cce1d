package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The cases one run of a seeded fuzz test goes through, as the system properties every such
 * test reads set them (see docs/ROBUSTNESS.md):
 * <ul>
 * <li>{@code smmap4j.fuzz.iterations}: cases per target (default: the test's quick count); when
 *     set, the seed defaults to the clock, so that each long run tries new cases;</li>
 * <li>{@code smmap4j.fuzz.seed}: the seed (default: the test's fixed seed, or the clock);</li>
 * <li>{@code smmap4j.fuzz.replay}: one case, {@code <seed>:<case>}, or
 *     {@code <target>:<seed>:<case>} for a test run over several targets (fixtures), which then
 *     runs no case of the other targets.</li>
 * </ul>
 * The test seeds case {@code i}'s random source from {@link #seed} and {@code i}, and names
 * {@link #replay} in every failure. Immutable.
 *
 * @param target the target of a test over several, else null
 * @param seed   the seed of every case
 * @param from   the first case
 * @param to     past the last case
 */
public record FuzzRuns(String target, long seed, int from, int to) {
    /** How long one case may take before it counts as a hang. */
    public static final Duration PER_CASE = Duration.ofSeconds(30);
    /** The clock seed of a long run: one per JVM, so every target of a run shares it. */
    private static final long CLOCK = System.nanoTime();

    /** Returns the cases of a test over one target: {@code quick} unless set, {@code fixedSeed} unless set. */
    public static FuzzRuns of(int quick, long fixedSeed) {
        return of(null, quick, fixedSeed);
    }

    /**
     * Returns the cases of {@code target} (null: a test over one target), {@code quick} of them
     * from {@code fixedSeed} unless the properties say otherwise; none if the replay names
     * another target.
     */
    public static FuzzRuns of(String target, int quick, long fixedSeed) {
        String iterations = System.getProperty("smmap4j.fuzz.iterations");
        long seed = Long.getLong("smmap4j.fuzz.seed", iterations != null ? CLOCK : fixedSeed);
        String replay = System.getProperty("smmap4j.fuzz.replay");
        if (replay == null) {
            return new FuzzRuns(target, seed, 0, Integer.getInteger("smmap4j.fuzz.iterations", quick));
        }
        String[] f = replay.split(":");
        int at = 0;
        if (target != null) {
            if (!f[0].equals(target)) {
                return new FuzzRuns(target, seed, 0, 0);
            }
            at = 1;
        }
        if (f.length != at + 2) {
            throw new IllegalArgumentException("-Dsmmap4j.fuzz.replay=" + replay + " is not "
                    + (target == null ? "" : "<target>:") + "<seed>:<case>");
        }
        int i = Integer.parseInt(f[at + 1]);
        return new FuzzRuns(target, Long.parseLong(f[at]), i, i + 1);
    }

    /** Returns how many cases run. */
    public int count() {
        return to - from;
    }

    /** Returns true if no case runs (the replay names another target). */
    public boolean none() {
        return from == to;
    }

    /** Returns the property that replays case {@code i}: {@code -Dsmmap4j.fuzz.replay=[<target>:]<seed>:<i>}. */
    public String replay(int i) {
        return "-Dsmmap4j.fuzz.replay=" + (target == null ? "" : target + ":") + seed + ":" + i;
    }

    /**
     * Runs one case and returns its outcome; a case that takes longer than {@link #PER_CASE}
     * fails as a hang, one that runs out of heap fails as an {@link AssertionError}, each naming
     * {@code replay}.
     */
    public static <T> T withinLimits(ThrowingSupplier<T> oneCase, String replay) {
        try {
            return assertTimeoutPreemptively(PER_CASE, oneCase, "hang: " + replay);
        } catch (OutOfMemoryError e) {
            throw new AssertionError("OutOfMemoryError: " + replay, e);
        }
    }
}
