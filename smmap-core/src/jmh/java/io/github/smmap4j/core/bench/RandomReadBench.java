package io.github.smmap4j.core.bench;

import io.github.smmap4j.core.MappedFileBuffer;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
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
 * (c) Random 4 KiB reads at seeded, unaligned offsets of a 1 GiB file (in the page cache):
 * {@link MappedFileBuffer#read} through 64 MiB windows vs {@code FileChannel.read(ByteBuffer, position)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RandomReadBench {
    static final long SIZE = 1L << 30;
    static final int READ = 4096;

    private Path dir;
    private SlidingWindowMapManager manager;
    private MappedFileBuffer buffer;
    private FileChannel channel;
    private final long[] offsets = new long[1 << 20];
    private int next;
    private final byte[] dst = new byte[READ];
    private final ByteBuffer wrapped = ByteBuffer.wrap(dst);

    /** Writes the 1 GiB file, opens both readers, draws the offsets (seed 42). */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("smmap4j-bench");
        Path file = BenchFiles.create(dir, "random-1g", SIZE);
        manager = SlidingWindowMapManager.builder().windowSize(64L << 20).build();
        buffer = manager.buffer(file);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = rnd.nextLong(SIZE - READ);
        }
    }

    /** Closes both readers and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        buffer.close();
        manager.close();
        BenchFiles.delete(dir);
    }

    /** One 4 KiB read through the map manager (copies across a window boundary when needed). */
    @Benchmark
    public int mappedBufferRead() throws IOException {
        long pos = offsets[next++ & (offsets.length - 1)];
        int n = buffer.read(pos, dst, 0, READ);
        return n + dst[0] + dst[READ - 1];
    }

    /** One 4 KiB positional read with FileChannel into a heap buffer. */
    @Benchmark
    public int channelRead() throws IOException {
        long pos = offsets[next++ & (offsets.length - 1)];
        wrapped.clear();
        int n = channel.read(wrapped, pos);
        return n + dst[0] + dst[READ - 1];
    }
}
