package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to loose objects: the generic byte mutations of {@link MidxFuzzTest#mutate} on
 * the zlib file, truncations, and mutations of the inflated {@code "<type> <size>\0"} header and
 * content recompressed (a type misspelt, sizes off by one, 19 and 20 digits, past 2^63 and
 * 2^64, leading zeros, signs and spaces, no NUL, a header past 32 bytes, content cut or grown).
 * The oracle is a plain decoder of the file (inflate it whole, parse the header): where it finds
 * a well-formed object, {@code LooseObjects} must give exactly that type, size and content
 * (whole, and streamed with a stream threshold of 64 bytes); where it does not, every read must
 * fail with a {@link CorruptPackException} naming the file, and {@code info} may only give what
 * the header declares. No case may hang (30 s) or run out of memory; huge declared sizes are
 * refused before anything is allocated for them.
 *
 * <p>Quick run: {@value #QUICK} cases, fixed seed. Long run:
 * {@code -Dsmmap4j.fuzz.iterations=100000 -Dsmmap4j.fuzz.seed=<n>}; a failure names
 * {@code -Dsmmap4j.fuzz.replay=<seed>:<iteration>} to replay one case.
 */
class LooseObjectFuzzTest {
    static final int QUICK = 400;
    private static final long FIXED_SEED = 0x1005eL;
    private static final String[] TYPES = {"blob", "tree", "commit", "tag", "blo", "blobb", "Blob", "ofs-delta", ""};
    private static final String[] SIZES = {"0", "1", "00", "01", "+5", "-1", " 5", "5 ", "9223372036854775807",
        "9223372036854775808", "9999999999999999999", "18446744073709551616", "99999999999999999999", "1e3", "0x10"};

    @TempDir
    Path tmp;

    /** One fixture object: its id, type and content. */
    private record Fixture(ObjectId id, String type, byte[] content) {
    }

    @Test
    void damagedLooseObjectsReadRightOrFailCleanly() throws Exception {
        Path objects = Files.createDirectories(tmp.resolve("objects"));
        Random fill = new Random(42);
        byte[] random = new byte[20_000];
        fill.nextBytes(random);
        List<Fixture> fixtures = List.of(
                fixture("blob", new byte[0]),
                fixture("blob", "hello\n".getBytes(StandardCharsets.UTF_8)),
                fixture("blob", "compressible line\n".repeat(5000).getBytes(StandardCharsets.UTF_8)),
                fixture("blob", random),
                fixture("tree", ("100644 a\0" + "x".repeat(20)).getBytes(StandardCharsets.ISO_8859_1)),
                fixture("commit", ("tree " + "0".repeat(40) + "\nauthor A <a> 1 +0000\ncommitter A <a> 1 +0000\n\nm\n")
                        .getBytes(StandardCharsets.UTF_8)));
        FuzzRuns runs = FuzzRuns.of(QUICK, FIXED_SEED);
        long seed = runs.seed();
        LooseObjects loose = new LooseObjects(List.of(objects), ObjectFormat.SHA1);
        Map<String, Integer> stats = new TreeMap<>();
        long t0 = System.nanoTime();
        for (int i = runs.from(); i < runs.to(); i++) {
            Random rnd = new Random(seed * 1_000_003L + i * 7919L);
            Fixture fx = fixtures.get(rnd.nextInt(fixtures.size()));
            StringBuilder what = new StringBuilder(fx.type + " of " + fx.content.length + " bytes: ");
            byte[] file = mutate(fx, rnd, what);
            Path path = objects.resolve(fx.id.name().substring(0, 2)).resolve(fx.id.name().substring(2));
            Files.createDirectories(path.getParent());
            Files.write(path, file);
            String replay = runs.replay(i) + " (" + what + ")";
            String outcome = FuzzRuns.withinLimits(() -> check(loose, fx.id, path, file, replay), replay);
            stats.merge(outcome, 1, Integer::sum);
            Files.delete(path);
        }
        System.out.println("loose fuzz seed=" + seed + " iterations=" + runs.count() + " " + stats + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private static Fixture fixture(String type, byte[] content) {
        byte[] raw = raw(type, String.valueOf(content.length), content);
        return new Fixture(ObjectId.fromRaw(sha1(raw), 0, 20), type, content);
    }

    private static byte[] sha1(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] raw(String type, String size, byte[] content) {
        byte[] h = (type + " " + size + "\0").getBytes(StandardCharsets.ISO_8859_1);
        byte[] raw = Arrays.copyOf(h, h.length + content.length);
        System.arraycopy(content, 0, raw, h.length, content.length);
        return raw;
    }

    /** A damaged file for {@code fx}: a header or content change recompressed, or damage to the zlib bytes. */
    private static byte[] mutate(Fixture fx, Random rnd, StringBuilder what) {
        String type = fx.type;
        String size = String.valueOf(fx.content.length);
        byte[] content = fx.content;
        String sep = " ";
        boolean nul = true;
        switch (rnd.nextInt(6)) {
            case 0 -> type = TYPES[rnd.nextInt(TYPES.length)];
            case 1 -> size = rnd.nextBoolean() ? SIZES[rnd.nextInt(SIZES.length)]
                    : String.valueOf(Math.max(0, content.length + rnd.nextInt(5) - 2));
            case 2 -> content = Arrays.copyOf(content, Math.max(0, content.length + rnd.nextInt(9) - 4));
            case 3 -> {
                switch (rnd.nextInt(3)) {
                    case 0 -> nul = false;
                    case 1 -> sep = rnd.nextBoolean() ? "  " : "\t";
                    default -> type = type + "x".repeat(24 + rnd.nextInt(8));
                }
            }
            default -> { } // damage to the compressed bytes only
        }
        what.append('\'').append(type).append(sep.equals(" ") ? " " : "<" + sep + ">").append(size)
                .append(nul ? "\\0" : "").append("' + ").append(content.length).append(" bytes");
        byte[] h = (type + sep + size + (nul ? "\0" : "")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] raw = Arrays.copyOf(h, h.length + content.length);
        System.arraycopy(content, 0, raw, h.length, content.length);
        byte[] file = deflate(raw, rnd.nextInt(10));
        if (rnd.nextInt(3) == 0) {
            what.append(", then ");
            file = file.length > 0 ? MidxFuzzTest.mutate(file, rnd, what) : file;
        }
        return file;
    }

    private static byte[] deflate(byte[] raw, int level) {
        Deflater d = new Deflater(level);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** What a plain decoder makes of a loose file: null if it is not a well-formed object. */
    private record Decoded(String type, long size, byte[] content, boolean headerOk) {
    }

    private static Decoded decode(byte[] file) {
        Inflater inf = new Inflater();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean complete;
        try {
            inf.setInput(file);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                // the header a byte at a time: damage further on must not hide it
                int n = inf.inflate(buf, 0, out.size() < 32 ? 1 : buf.length);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
                if (out.size() > 4 << 20) {
                    break;
                }
            }
            complete = inf.finished();
        } catch (DataFormatException e) {
            complete = false;
        } finally {
            inf.end();
        }
        byte[] all = out.toByteArray();
        int nul = -1;
        for (int k = 0; k < Math.min(all.length, 32); k++) {
            if (all[k] == 0) {
                nul = k;
                break;
            }
        }
        if (nul < 0) {
            return null;
        }
        String header = new String(all, 0, nul, StandardCharsets.ISO_8859_1);
        int sp = header.indexOf(' ');
        String sz = sp < 0 ? "" : header.substring(sp + 1);
        String type = sp < 0 ? "" : header.substring(0, sp);
        if (!List.of("blob", "tree", "commit", "tag").contains(type) || !sz.matches("0|[1-9][0-9]{0,18}")
                || new java.math.BigInteger(sz).bitLength() > 63) {
            return null;
        }
        long size = Long.parseLong(sz);
        byte[] content = Arrays.copyOfRange(all, nul + 1, all.length);
        boolean ok = complete && content.length == size;
        return new Decoded(type, size, ok ? content : null, true);
    }

    /** One case: whatever the reader gives is what the plain decoder finds, or it fails naming the file. */
    private static String check(LooseObjects loose, ObjectId id, Path path, byte[] file, String what) {
        Decoded want = decode(file);
        boolean whole = want != null && want.content != null;
        String infoOutcome;
        try {
            ObjectInfo info = loose.info(id);
            assertTrue(want != null, what + ": info of a malformed header: " + info);
            assertEquals(want.type, info.type().typeName(), what + ": info type");
            assertEquals(want.size, info.size(), what + ": info size");
            infoOutcome = "header read";
        } catch (CorruptPackException e) {
            assertTrue(e.getMessage().contains(path.toString()), what + ": message does not name the file: " + e.getMessage());
            infoOutcome = "header refused";
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(what + ": info threw " + e, e);
        }
        for (long threshold : new long[] {ObjectDatabase.DEFAULT_STREAM_THRESHOLD, 64}) {
            try {
                ObjectLoader l = loose.load(id, threshold, Limits.MAX_ARRAY);
                byte[] got = l.bytes();
                byte[] streamed;
                try (InputStream in = l.openStream()) {
                    streamed = in.readAllBytes();
                }
                if (!whole) {
                    fail(what + ": read " + got.length + " bytes (threshold " + threshold + ") of a damaged object");
                }
                assertEquals(want.type, l.type().typeName(), what + ": type");
                assertEquals(want.size, l.size(), what + ": size");
                assertArrayEquals(want.content, got, what + ": content, threshold " + threshold);
                assertArrayEquals(want.content, streamed, what + ": streamed content, threshold " + threshold);
            } catch (CorruptPackException e) {
                assertTrue(!whole, what + ": a well-formed object refused (threshold " + threshold + "): " + e.getMessage());
                assertTrue(e.getMessage().contains(path.toString()), what + ": message does not name the file: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(what + ": load threw " + e, e);
            }
        }
        return whole ? "read" : infoOutcome + ", content refused";
    }
}
