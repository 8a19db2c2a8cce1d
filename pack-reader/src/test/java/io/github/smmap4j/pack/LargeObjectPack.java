package io.github.smmap4j.pack;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a pack (and its v2 index) of objects larger than any Java array, compressible so that it
 * stays small on disk: {@link #A} is {@code size} zero bytes, {@link #B} is A plus {@code "tail\n"}
 * as an OFS_DELTA on A, {@link #C} is 100 bytes of B from beyond 2 GiB plus {@code "small\n"} as a
 * REF_DELTA on B (a small object over a huge base), {@link #D} is {@code "hello\n"}. Every id is
 * computed here from the content the delta instructions mean, with the JDK's SHA-1, so a reader
 * that gets the content wrong gets the id wrong.
 */
public final class LargeObjectPack {
    /** Indexes into {@link #ids} and {@link #sizes}, in pack order. */
    public static final int A = 0, B = 1, C = 2, D = 3;
    private static final byte[] TAIL = "tail\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SMALL = "small\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);
    /** C copies this many bytes of B from {@link #C_FROM}. */
    private static final int C_COPY = 100;
    private static final long C_FROM = (2L << 30) + 5;
    private static final int CHUNK = 1 << 23; // B copies A in 8 MiB instructions

    /** The objects' ids, in pack order. */
    public final ObjectId[] ids = new ObjectId[4];
    /** The objects' sizes, in pack order. */
    public final long[] sizes = new long[4];
    /** The sizes the entry headers declare (a delta's own size for B and C), in pack order. */
    public final long[] headerSizes = new long[4];
    /** The entries' offsets, in pack order. */
    public final long[] offsets = new long[4];
    /** The pack and its index. */
    public final Path pack, idx;


    /** Writes the pack of a {@code size}-byte zero blob ({@code size > 2 GiB + 105}) into {@code packDir}. */
    public LargeObjectPack(Path packDir, long size) throws IOException {
        if (size <= C_FROM + C_COPY) {
            throw new IllegalArgumentException("size must be above 2 GiB + 105: " + size);
        }
        sizes[A] = size;
        sizes[B] = size + TAIL.length;
        sizes[C] = C_COPY + SMALL.length;
        sizes[D] = HELLO.length;
        ids[A] = zerosId(size, null);
        ids[B] = zerosId(size, TAIL);
        byte[] c = Arrays.copyOf(new byte[C_COPY], C_COPY + SMALL.length);
        System.arraycopy(SMALL, 0, c, C_COPY, SMALL.length);
        ids[C] = PackSurgery.hash(ObjectFormat.SHA1, ObjectType.BLOB, c);
        ids[D] = PackSurgery.hash(ObjectFormat.SHA1, ObjectType.BLOB, HELLO);

        Files.createDirectories(packDir);
        Path tmp = packDir.resolve("tmp.pack");
        MessageDigest packHash = sha1();
        int[] crcs = new int[4];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            Hashed h = new Hashed(out, packHash);
            h.write(new byte[] {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 4});
            offsets[A] = h.count;
            crcs[A] = zerosEntry(h, size);
            offsets[B] = h.count;
            byte[] b = bDelta(size);
            crcs[B] = entry(h, ObjectType.OFS_DELTA, ofsBase(offsets[B] - offsets[A]), b);
            offsets[C] = h.count;
            byte[] cd = cDelta(sizes[B]);
            crcs[C] = entry(h, ObjectType.REF_DELTA, ids[B].toByteArray(), cd);
            offsets[D] = h.count;
            crcs[D] = entry(h, ObjectType.BLOB.code(), new byte[0], HELLO);
            headerSizes[A] = size;
            headerSizes[B] = b.length;
            headerSizes[C] = cd.length;
            headerSizes[D] = HELLO.length;
            byte[] trailer = packHash.digest();
            out.write(trailer);
            String name = "pack-" + HexFormat.of().formatHex(trailer);
            out.close();
            pack = Files.move(tmp, packDir.resolve(name + ".pack"));
            idx = packDir.resolve(name + ".idx");
            Files.write(idx, index(crcs, trailer));
        }
    }

    /** The id of the blob of {@code size} zeros followed by {@code tail} (null: none). */
    private static ObjectId zerosId(long size, byte[] tail) {
        MessageDigest md = sha1();
        long total = size + (tail == null ? 0 : tail.length);
        md.update(("blob " + total + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] zeros = new byte[1 << 20];
        for (long left = size; left > 0; left -= zeros.length) {
            md.update(zeros, 0, (int) Math.min(left, zeros.length));
        }
        if (tail != null) {
            md.update(tail);
        }
        return ObjectId.fromRaw(md.digest(), 0, 20);
    }

    /** Writes the whole blob of {@code size} zeros, deflated as it goes; returns the entry's CRC32. */
    private static int zerosEntry(Hashed h, long size) throws IOException {
        CRC32 crc = new CRC32();
        h.crc = crc;
        h.write(entryHeader(ObjectType.BLOB.code(), size));
        Deflater z = new Deflater(Deflater.BEST_SPEED);
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        for (long left = size; left > 0; left -= zeros.length) {
            z.setInput(zeros, 0, (int) Math.min(left, zeros.length));
            while (!z.needsInput()) {
                h.write(buf, 0, z.deflate(buf));
            }
        }
        z.finish();
        while (!z.finished()) {
            h.write(buf, 0, z.deflate(buf));
        }
        z.end();
        h.crc = null;
        return (int) crc.getValue();
    }

    /** Writes an entry of {@code type} whose header is followed by {@code base} (an offset or id) and the deflated {@code data}. */
    private static int entry(Hashed h, int type, byte[] base, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        h.crc = crc;
        h.write(entryHeader(type, data.length));
        h.write(base);
        h.write(TestRepo.deflate(data));
        h.crc = null;
        return (int) crc.getValue();
    }

    private static byte[] entryHeader(int type, long size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c = (type << 4) | (int) (size & 15);
        size >>>= 4;
        while (size != 0) {
            b.write(c | 0x80);
            c = (int) (size & 0x7f);
            size >>>= 7;
        }
        b.write(c);
        return b.toByteArray();
    }

    /** git's OFS_DELTA distance encoding. */
    private static byte[] ofsBase(long distance) {
        byte[] tmp = new byte[10];
        int p = tmp.length - 1;
        tmp[p] = (byte) (distance & 0x7f);
        while ((distance >>>= 7) != 0) {
            tmp[--p] = (byte) (0x80 | (--distance & 0x7f));
        }
        return Arrays.copyOfRange(tmp, p, tmp.length);
    }

    /** A over {@code size} zeros: copy all of it in 8 MiB instructions, then insert the tail. */
    private static byte[] bDelta(long size) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        varint(d, size);
        varint(d, size + TAIL.length);
        for (long off = 0; off < size; off += CHUNK) {
            copy(d, off, (int) Math.min(CHUNK, size - off));
        }
        d.write(TAIL.length);
        d.writeBytes(TAIL);
        return d.toByteArray();
    }

    private static byte[] cDelta(long baseSize) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        varint(d, baseSize);
        varint(d, C_COPY + SMALL.length);
        copy(d, C_FROM, C_COPY);
        d.write(SMALL.length);
        d.writeBytes(SMALL);
        return d.toByteArray();
    }

    private static void varint(ByteArrayOutputStream d, long v) {
        while (v >= 0x80) {
            d.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        d.write((int) v);
    }

    /** A copy instruction: only the non-zero bytes of offset (4) and size (3) are present. */
    private static void copy(ByteArrayOutputStream d, long off, int len) {
        ByteArrayOutputStream args = new ByteArrayOutputStream();
        int op = 0x80;
        for (int i = 0; i < 4; i++) {
            int b = (int) (off >>> (8 * i)) & 0xff;
            if (b != 0) {
                op |= 1 << i;
                args.write(b);
            }
        }
        for (int i = 0; i < 3; i++) {
            int b = (len >>> (8 * i)) & 0xff;
            if (b != 0) {
                op |= 0x10 << i;
                args.write(b);
            }
        }
        d.write(op);
        d.writeBytes(args.toByteArray());
    }

    /** The v2 index: fan-out, sorted ids, CRC32s, 4-byte offsets, the pack's checksum, its own. */
    private byte[] index(int[] crcs, byte[] packChecksum) {
        Integer[] order = {0, 1, 2, 3};
        Arrays.sort(order, Comparator.comparing(i -> ids[i]));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xff, 't', 'O', 'c', 0, 0, 0, 2});
        for (int f = 0; f < 256; f++) {
            int n = 0;
            for (ObjectId id : ids) {
                n += (id.toByteArray()[0] & 0xff) <= f ? 1 : 0;
            }
            int32(b, n);
        }
        List<byte[]> raws = new ArrayList<>();
        for (int i : order) {
            raws.add(ids[i].toByteArray());
        }
        raws.forEach(b::writeBytes);
        for (int i : order) {
            int32(b, crcs[i]);
        }
        for (int i : order) {
            int32(b, (int) offsets[i]);
        }
        b.writeBytes(packChecksum);
        b.writeBytes(sha1().digest(b.toByteArray()));
        return b.toByteArray();
    }

    private static void int32(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes through, hashing everything and CRC-ing the current entry. */
    private static final class Hashed {
        final OutputStream out;
        final MessageDigest md;
        CRC32 crc;
        long count;

        Hashed(OutputStream out, MessageDigest md) {
            this.out = out;
            this.md = md;
        }

        void write(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            md.update(b, off, len);
            if (crc != null) {
                crc.update(b, off, len);
            }
            count += len;
        }
    }
}
