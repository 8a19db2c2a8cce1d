package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The Java prefix decoder against zlib: on every entry of every fixture pack, on generated
 * streams of every block type, and on damaged streams it must either decline (-1) or produce
 * exactly the bytes zlib produces from the same input.
 */
class DeflatePrefixTest {
    private final DeflatePrefix decoder = new DeflatePrefix();
    private final Inflater inflater = new Inflater();

    /** What zlib makes of {@code in[0, inLen)} up to {@code want} bytes; null if it reports an error first. */
    private byte[] zlib(byte[] in, int inLen, int want) {
        inflater.reset();
        inflater.setInput(in, 0, inLen);
        byte[] out = new byte[want];
        int done = 0;
        try {
            while (done < want && !inflater.finished() && !inflater.needsInput()) {
                int n = inflater.inflate(out, done, want - done);
                if (n == 0 && (inflater.needsDictionary() || !inflater.needsInput() && !inflater.finished())) {
                    break;
                }
                done += n;
            }
        } catch (DataFormatException e) {
            return null;
        }
        return Arrays.copyOf(out, done);
    }

    /** Checks one case; returns whether the Java decoder answered (did not decline). */
    private boolean check(byte[] in, int inLen, int want, String what) {
        byte[] out = new byte[want];
        int n = decoder.decode(in, inLen, out, want);
        if (n < 0) {
            return false;
        }
        byte[] expected = zlib(in, inLen, want);
        assertTrue(expected != null, what + ": decoded " + n + " bytes where zlib reports an error");
        assertEquals(want, n, what + ": the decoder answers in full or not at all");
        assertEquals(expected.length, n, what + ": length");
        assertArrayEquals(expected, Arrays.copyOf(out, n), what + ": bytes");
        return true;
    }

    @Test
    void everyEntryOfEveryFixtureDecodesLikeZlib() throws IOException {
        int answered = 0;
        int entries = 0;
        for (String name : Fixtures.ALL) {
            try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(name)); ObjectReader r = db.newReader()) {
                for (PackFile p : db.packs()) {
                    byte[] file = Files.readAllBytes(p.packPath);
                    ReverseIndex rev = p.reverseIndex();
                    for (int i = 0; i < rev.size(); i++) {
                        PackEntry e = r.entryAt(p, rev.offsetAt(i));
                        int start = (int) e.dataOffset();
                        for (int inLen : new int[] {256, 4096}) {
                            int len = Math.min(inLen, file.length - start);
                            byte[] in = Arrays.copyOfRange(file, start, start + len);
                            for (int want : new int[] {1, 20, 300, 5000}) {
                                int w = (int) Math.min(want, Math.max(1, e.size()));
                                if (check(in, len, w, name + " @" + e.offset() + " want " + w)) {
                                    answered++;
                                }
                            }
                        }
                        entries++;
                    }
                }
            }
        }
        assertTrue(entries > 3000, "fixtures hold " + entries + " entries");
        // The point of the decoder: it must answer nearly always on real packs, not decline.
        assertTrue(answered > entries * 8 * 0.9, answered + " answers for " + entries * 8 + " cases");
    }

    @Test
    void generatedStreamsOfEveryKindDecodeLikeZlib() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] settings = {{Deflater.NO_COMPRESSION, Deflater.DEFAULT_STRATEGY}, {1, Deflater.DEFAULT_STRATEGY},
                {6, Deflater.DEFAULT_STRATEGY}, {9, Deflater.FILTERED}, {6, Deflater.HUFFMAN_ONLY}};
        int declined = 0;
        for (int round = 0; round < 400; round++) {
            byte[] data = sample(rnd, 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 70_000));
            int[] s = settings[round % settings.length];
            byte[] z = deflate(data, s[0], s[1]);
            for (int want : new int[] {1, 7, 20, 1000, data.length}) {
                int w = Math.min(want, data.length);
                byte[] out = new byte[w];
                int n = decoder.decode(z, z.length, out, w);
                if (n < 0) {
                    declined++;
                    continue;
                }
                assertEquals(w, n, "round " + round);
                assertArrayEquals(Arrays.copyOf(data, w), out, "round " + round + " want " + w);
            }
        }
        // Streams that zlib itself wrote, with all input present, never need the fallback.
        assertEquals(0, declined);
    }

    @Test
    void damagedAndTruncatedStreamsNeverDecodeToSomethingZlibWouldNot() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] data = sample(rnd, 1 + rnd.nextInt(3000));
            byte[] z = deflate(data, rnd.nextInt(10), rnd.nextBoolean() ? Deflater.DEFAULT_STRATEGY : Deflater.HUFFMAN_ONLY);
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(Math.min(z.length, 64));
                z[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            int inLen = rnd.nextInt(4) == 0 ? rnd.nextInt(z.length + 1) : z.length;
            check(z, inLen, 1 + rnd.nextInt(64), "round " + round);
        }
    }

    /** Text-like, repetitive or random bytes, so every block type and back-reference occurs. */
    private static byte[] sample(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextBytes(b);
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) "abcab\n ".charAt(rnd.nextInt(7));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    b[i] = i > 8 && rnd.nextInt(4) != 0 ? b[i - 1 - rnd.nextInt(8)] : (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }

    private static byte[] deflate(byte[] data, int level, int strategy) {
        Deflater d = new Deflater(level);
        try {
            d.setStrategy(strategy);
            d.setInput(data);
            d.finish();
            byte[] buf = new byte[data.length + 64 + data.length / 8];
            int n = 0;
            while (!d.finished()) {
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                n += d.deflate(buf, n, buf.length - n);
            }
            return Arrays.copyOf(buf, n);
        } finally {
            d.end();
        }
    }
}
