package io.github.smmap4j.core.bench;

import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (a) The cost of a cursor hit: {@code useRegion} on bytes the cursor's region already holds, plus
 * an 8-byte read; and, for comparison, a move between two already-mapped windows (a hit in the
 * manager's region lookup, under its lock).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CursorHitBench {
    static final long WINDOW = 1 << 20;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private Path dir;
    private SlidingWindowMapManager manager;
    private WindowCursor cursor;
    private long ofs;

    /** Maps two windows of a 4 MiB file. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("smmap4j-bench");
        Path file = BenchFiles.create(dir, "hit", 4 * WINDOW);
        manager = SlidingWindowMapManager.builder().windowSize(WINDOW).build();
        cursor = manager.cursor(file);
        cursor.useRegion(WINDOW, 1); // map the second window, then park on the first
        cursor.useRegion(0, 1);
    }

    /** Releases the cursor, unmaps, deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        cursor.close();
        manager.close();
        BenchFiles.delete(dir);
    }

    /** useRegion inside the current region, then read a long there. */
    @Benchmark
    public long hitInCurrentRegion() throws IOException {
        long o = ofs = (ofs + 4099) & (WINDOW - 16);
        cursor.useRegion(o, 8);
        return cursor.segment().get(LONG, o - cursor.ofsBegin());
    }

    /** useRegion alternating between two mapped windows: the manager's lookup hit, then a read. */
    @Benchmark
    public long hitInOtherMappedRegion() throws IOException {
        long other = (ofs & WINDOW) ^ WINDOW;
        long o = ofs = other | ((ofs + 4099) & (WINDOW - 16));
        cursor.useRegion(o, 8);
        return cursor.segment().get(LONG, o - cursor.ofsBegin());
    }
}
