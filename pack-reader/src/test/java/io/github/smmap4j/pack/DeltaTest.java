package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one delta decoder: {@link Delta#header}, {@link Delta#instruction} and the two appliers
 * built on them ({@link Delta#applyInto} on arrays, {@link DeltaStream} on streams) agree on every
 * delta, valid or not.
 */
class DeltaTest {
    private static final Path F = Path.of("test.pack");

    /** A delta builder: header varints, then copy/insert instructions. */
    private static final class Builder {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Builder(long src, long res) {
            varint(src);
            varint(res);
        }

        void varint(long v) {
            do {
                int c = (int) (v & 0x7f);
                v >>>= 7;
                b.write(v != 0 ? c | 0x80 : c);
            } while (v != 0);
        }

        Builder copy(long off, int size) {
            int cmd = 0x80;
            ByteArrayOutputStream args = new ByteArrayOutputStream();
            for (int i = 0; i < 4; i++) {
                int v = (int) (off >>> (8 * i)) & 0xff;
                if (v != 0) {
                    cmd |= 1 << i;
                    args.write(v);
                }
            }
            int s = size == 0x10000 ? 0 : size;
            for (int i = 0; i < 3; i++) {
                int v = (s >>> (8 * i)) & 0xff;
                if (v != 0) {
                    cmd |= 0x10 << i;
                    args.write(v);
                }
            }
            b.write(cmd);
            b.writeBytes(args.toByteArray());
            return this;
        }

        Builder insert(byte[] data) {
            b.write(data.length);
            b.writeBytes(data);
            return this;
        }

        Builder raw(int... bytes) {
            for (int x : bytes) {
                b.write(x);
            }
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    private static byte[] applyWhole(byte[] base, byte[] delta) throws CorruptPackException {
        return Delta.apply(base, base.length, delta, delta.length, Long.MAX_VALUE, F, 12);
    }

    private static byte[] applyStream(byte[] base, byte[] delta) throws IOException {
        try (InputStream in = new DeltaStream(delta, delta.length, () -> new java.io.ByteArrayInputStream(base),
                base.length, F, 12)) {
            return in.readAllBytes();
        }
    }

    @Test
    void copiesAndInsertsProduceTheResult() throws IOException {
        byte[] base = new byte[200_000];
        new Random(1).nextBytes(base);
        byte[] delta = new Builder(base.length, 10 + 0x10000 + 3 + 70_000)
                .copy(5, 10).copy(100_000, 0x10000).insert(new byte[] {1, 2, 3}).copy(130_000, 70_000).bytes();
        byte[] want = new byte[10 + 0x10000 + 3 + 70_000];
        System.arraycopy(base, 5, want, 0, 10);
        System.arraycopy(base, 100_000, want, 10, 0x10000);
        want[10 + 0x10000] = 1;
        want[11 + 0x10000] = 2;
        want[12 + 0x10000] = 3;
        System.arraycopy(base, 130_000, want, 13 + 0x10000, 70_000);
        assertArrayEquals(want, applyWhole(base, delta));
        assertArrayEquals(want, applyStream(base, delta));
        assertEquals(want.length, Delta.resultSize(delta, delta.length, F, 12));
    }

    @Test
    void instructionWordsDecodeEveryField() throws CorruptPackException {
        byte[] d = new Builder(1L << 33, 1).copy(0xfedcba98L, 0x123456).bytes();
        int start = Delta.headerStart(Delta.header(d, d.length, 1L << 33, Long.MAX_VALUE, F, 0));
        long w = Delta.instruction(d, start, d.length, 1L << 33, F, 0);
        assertTrue(Delta.isCopy(w));
        assertEquals(0xfedcba98L, Delta.copyOffset(w));
        assertEquals(0x123456, Delta.length(w));
        assertEquals(d.length, Delta.next(w, start));
        byte[] ins = new Builder(0, 127).insert(new byte[127]).bytes();
        long wi = Delta.instruction(ins, 2, ins.length, 0, F, 0);
        assertEquals(127, Delta.length(wi));
        assertEquals(ins.length, Delta.next(wi, 2));
    }

    /** Each damaged delta is refused by both appliers with the same message. */
    @Test
    void damageIsRefusedAlikeByArrayAndStream() {
        byte[] base = new byte[1000];
        byte[][] bad = {
            new Builder(999, 10).copy(0, 10).bytes(),                 // base size mismatch
            new Builder(1000, 10).copy(995, 10).bytes(),              // copy past the base
            new Builder(1000, 10).raw(0).bytes(),                     // reserved instruction 0
            new Builder(1000, 10).raw(5, 1, 2).bytes(),               // insert truncated
            new Builder(1000, 10).raw(0x91, 7).bytes(),               // copy size byte missing
            new Builder(1000, 5).copy(0, 10).bytes(),                 // writes past the result
            new Builder(1000, 20).copy(0, 10).bytes(),                // produces less than declared
            new Builder(1000, 1L << 40).copy(0, 10).bytes(),          // impossible result size
            new Builder(1000, 10).bytes(),                            // no instructions
        };
        for (byte[] d : bad) {
            CorruptPackException whole = assertThrows(CorruptPackException.class, () -> applyWhole(base, d));
            CorruptPackException stream = assertThrows(CorruptPackException.class, () -> applyStream(base, d));
            assertEquals(whole.getMessage(), stream.getMessage());
            assertTrue(whole.getMessage().contains("test.pack"), whole.getMessage());
        }
    }

    /** Random valid deltas over random bases: both appliers give the same bytes as a plain model. */
    @Test
    void randomDeltasAgreeWithAModel() throws IOException {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] base = new byte[1 + rnd.nextInt(300_000)];
            rnd.nextBytes(base);
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            java.util.List<long[]> ops = new java.util.ArrayList<>();
            java.util.Map<Integer, byte[]> literals = new java.util.HashMap<>();
            int n = rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                if (rnd.nextBoolean()) {
                    int size = 1 + rnd.nextInt(Math.min(base.length, 0x10000));
                    int off = rnd.nextInt(base.length - size + 1);
                    ops.add(new long[] {off, size});
                    model.write(base, off, size);
                } else {
                    byte[] lit = new byte[1 + rnd.nextInt(127)];
                    rnd.nextBytes(lit);
                    literals.put(ops.size(), lit);
                    ops.add(new long[] {-1, lit.length});
                    model.writeBytes(lit);
                }
            }
            byte[] want = model.toByteArray();
            Builder b = new Builder(base.length, want.length);
            for (int i = 0; i < ops.size(); i++) {
                long[] op = ops.get(i);
                if (op[0] >= 0) {
                    b.copy(op[0], (int) op[1]);
                } else {
                    b.insert(literals.get(i));
                }
            }
            byte[] d = b.bytes();
            assertArrayEquals(want, applyWhole(base, d));
            assertArrayEquals(want, applyStream(base, d));
        }
    }
}
