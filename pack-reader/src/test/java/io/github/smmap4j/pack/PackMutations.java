package io.github.smmap4j.pack;

import java.util.Arrays;
import java.util.Random;

/**
 * The mutations of the fuzz tests (bit flips, byte overwrites, truncations, splices, insertions,
 * deletions, interesting integers) applied to a {@link PackSurgery} copy's pack or idx bytes:
 * shared by {@link PackFuzzTest}, {@link PackJazzerFuzzTest} and the CLI's bad-input test.
 */
public final class PackMutations {
    private PackMutations() {
    }

    /** Where mutation decisions come from: a seeded Random here, the fuzzer's data under Jazzer. */
    interface Choices {
        int nextInt(int bound);

        default boolean nextBoolean() {
            return nextInt(2) == 1;
        }

        default void nextBytes(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) nextInt(256);
            }
        }

        static Choices of(Random r) {
            return r::nextInt;
        }
    }

    public static String mutate(PackSurgery s, Random rnd) {
        return mutate(s, Choices.of(rnd));
    }

    static String mutate(PackSurgery s, Choices rnd) {
        return mutate(s, rnd, true);
    }

    /**
     * Applies one mutation. Only one per case may hit the idx: two structural edits (an insertion
     * in the CRC table and a deletion in the offset table) can shift both tables consistently,
     * a wrong answer that only hashing every object could catch (see docs/ROBUSTNESS.md).
     */
    static String mutate(PackSurgery s, Choices rnd, boolean idxAllowed) {
        boolean onPack = !idxAllowed || rnd.nextInt(10) < 7;
        byte[] b = onPack ? s.pack : s.idx;
        String file = onPack ? "pack" : "idx";
        if (b.length < 2) {
            return file + " too short to mutate";
        }
        int h = s.format.length();
        int op = rnd.nextInt(8);
        String what;
        switch (op) {
            case 0, 1 -> { // bit flips, biased to entry headers for packs
                int n = 1 + rnd.nextInt(4);
                int at = position(s, b, onPack, rnd);
                for (int k = 0; k < n; k++) {
                    int p = Math.min(b.length - 1, at + rnd.nextInt(4));
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                what = file + " bit flips near " + at;
            }
            case 2 -> { // random bytes
                int at = position(s, b, onPack, rnd);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) (rnd.nextInt(4) == 0 ? 0xff : rnd.nextInt(256));
                }
                what = file + " " + n + " random bytes at " + at;
            }
            case 3 -> { // truncation
                int cut = rnd.nextInt(b.length);
                if (onPack) {
                    s.pack = Arrays.copyOf(b, Math.max(0, cut - h) + h);
                } else {
                    s.idx = Arrays.copyOf(b, cut);
                }
                what = file + " truncated to " + cut;
            }
            case 4 -> { // splice: copy a range over another (same length)
                int len = 1 + rnd.nextInt(Math.min(256, b.length));
                int src = rnd.nextInt(b.length - len + 1);
                int dst = position(s, b, onPack, rnd);
                len = Math.min(len, b.length - dst);
                System.arraycopy(b.clone(), src, b, dst, len);
                what = file + " splice " + src + "+" + len + " -> " + dst;
            }
            case 5 -> { // insert bytes (shifts everything after)
                int at = position(s, b, onPack, rnd);
                byte[] ins = new byte[1 + rnd.nextInt(32)];
                rnd.nextBytes(ins);
                byte[] nb = new byte[b.length + ins.length];
                System.arraycopy(b, 0, nb, 0, at);
                System.arraycopy(ins, 0, nb, at, ins.length);
                System.arraycopy(b, at, nb, at + ins.length, b.length - at);
                set(s, onPack, nb);
                what = file + " inserted " + ins.length + " at " + at;
            }
            case 6 -> { // delete a range
                int at = position(s, b, onPack, rnd);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                byte[] nb = new byte[b.length - len];
                System.arraycopy(b, 0, nb, 0, at);
                System.arraycopy(b, at + len, nb, at, b.length - at - len);
                set(s, onPack, nb);
                what = file + " deleted " + len + " at " + at;
            }
            default -> { // interesting integers at a 4-byte boundary (idx tables) or anywhere
                int at = position(s, b, onPack, rnd);
                if (!onPack) {
                    at &= ~3;
                }
                int[] vals = {0, 1, -1, 0x7fffffff, 0x80000000, 0x80000001, 12, b.length, b.length - h};
                int v = vals[rnd.nextInt(vals.length)];
                if (at + 4 <= b.length) {
                    PackSurgery.putInt(b, at, v);
                }
                what = file + " int " + v + " at " + at;
            }
        }
        if (rnd.nextInt(10) != 0) {
            s.fixTrailers(); // usually: let the damage reach the deep checks
        } else {
            what += ", trailers left as they are";
        }
        return what;
    }

    private static void set(PackSurgery s, boolean onPack, byte[] nb) {
        if (onPack) {
            s.pack = nb;
        } else {
            s.idx = nb;
        }
    }

    /** A position in the file; for packs, half the time in or just after an entry header. */
    private static int position(PackSurgery s, byte[] b, boolean onPack, Choices rnd) {
        if (onPack && rnd.nextBoolean()) {
            PackSurgery.Entry e = s.entries.get(rnd.nextInt(s.entries.size()));
            return (int) Math.min(b.length - 1, e.offset() + rnd.nextInt(e.headerLength() + 4));
        }
        if (!onPack && rnd.nextBoolean()) {
            // the tables after the fan-out: ids, CRCs, offsets, 64-bit offsets
            int start = s.idxV2() ? 8 + 1024 : 1024;
            return start + rnd.nextInt(Math.max(1, b.length - start));
        }
        return rnd.nextInt(b.length);
    }
}
