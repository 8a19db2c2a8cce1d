package io.github.smmap4j.core.bench;

import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * (b) Sequential scan of a 1 GiB file, summing it as little-endian longs: through the sliding
 * manager with 64 MiB windows (windows kept mapped between scans, or collected before each scan so
 * every window is mapped and faulted in again) vs {@code FileChannel.read} into a 1 MiB heap buffer.
 * The file is written once per trial and is in the page cache for all three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SequentialScanBench {
    static final long SIZE = 1L << 30;
    static final long WINDOW = 64L << 20;
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Path dir;
    private Path file;
    private SlidingWindowMapManager manager;
    private ByteBuffer heap;
    private long expected;

    /** Writes the 1 GiB file and checks that both readers agree on its sum. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("smmap4j-bench");
        file = BenchFiles.create(dir, "scan-1g", SIZE);
        manager = SlidingWindowMapManager.builder().windowSize(WINDOW).build();
        heap = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        expected = channelRead();
        if (slidingScanWarm() != expected) {
            throw new IllegalStateException("mapped and channel sums differ");
        }
    }

    /** Unmaps and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        manager.close();
        BenchFiles.delete(dir);
    }

    /** Scans through 64 MiB windows that stay mapped from one scan to the next. */
    @Benchmark
    public long slidingScanWarm() throws IOException {
        return scan();
    }

    /** Unmaps every window first, so each scan maps 16 windows and faults every page in again. */
    @Benchmark
    public long slidingScanCold() throws IOException {
        manager.collect();
        return scan();
    }

    private long scan() throws IOException {
        long sum = 0;
        try (WindowCursor c = manager.cursor(file)) {
            for (long pos = 0; c.useRegion(pos, 1); pos = c.ofsEnd()) {
                MemorySegment seg = c.segment();
                long n = seg.byteSize() & ~7L;
                for (long i = 0; i < n; i += 8) {
                    sum += seg.get(LONG_LE, i);
                }
            }
        }
        return sum;
    }

    /** Reads the file with FileChannel.read into a 1 MiB heap ByteBuffer. */
    @Benchmark
    public long channelRead() throws IOException {
        long sum = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                heap.clear();
                if (ch.read(heap) < 0) {
                    break;
                }
                heap.flip();
                int n = heap.remaining() & ~7;
                for (int i = 0; i < n; i += 8) {
                    sum += heap.getLong(i);
                }
            }
        }
        return sum;
    }
}
