package io.github.smmap4j.pack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes multi-pack-index files from the format document (gitformat-pack(5), gitformat-chunk(5)),
 * for tests: layers of incremental chains (which git 2.39 cannot write), large offsets, the
 * bitmap chunks and unknown chunks. With git's chunk order (PNAM, OIDF, OIDL, OOFF, LOFF) and
 * padding it writes what {@code git multi-pack-index write} writes for the same choices.
 */
public final class MidxWriter {
    /** One object: its id, the number of the pack holding it (in this file), its offset there. */
    public record Entry(ObjectId id, int pack, long offset) {
    }

    private final ObjectFormat format;
    private int version = 1;
    private final List<String> packNames = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private boolean forceLargeOffsets;
    private final Map<Integer, byte[]> extraChunks = new LinkedHashMap<>();

    /** A writer of a file of {@code format}'s ids: version 1, no packs, no objects yet. */
    public MidxWriter(ObjectFormat format) {
        this.format = format;
    }

    /** The file version byte (1 or 2). */
    public MidxWriter version(int v) {
        this.version = v;
        return this;
    }

    /** Adds a pack name ({@code pack-*.idx}); packs are numbered in the order added. */
    public MidxWriter pack(String idxName) {
        packNames.add(idxName);
        return this;
    }

    /** Adds an object. */
    public MidxWriter add(ObjectId id, int pack, long offset) {
        entries.add(new Entry(id, pack, offset));
        return this;
    }

    /** Writes a LOFF chunk even if no offset needs it (offsets of 2^31 and more go there). */
    public MidxWriter largeOffsets() {
        this.forceLargeOffsets = true;
        return this;
    }

    /** Adds a chunk after the others (e.g. RIDX, BTMP or an unknown one). */
    public MidxWriter chunk(int id, byte[] data) {
        extraChunks.put(id, data);
        return this;
    }

    /** Returns the file's bytes, its checksum last. */
    public byte[] build() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::id));
        int h = format.length();
        ByteArrayOutputStream pnam = new ByteArrayOutputStream();
        for (String n : packNames) {
            pnam.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            pnam.write(0);
        }
        while (pnam.size() % 4 != 0) {
            pnam.write(0);
        }
        ByteBuffer oidf = ByteBuffer.allocate(1024);
        int[] counts = new int[256];
        for (Entry e : sorted) {
            counts[e.id().byteAt(0)]++;
        }
        int run = 0;
        for (int i = 0; i < 256; i++) {
            run += counts[i];
            oidf.putInt(run);
        }
        ByteBuffer oidl = ByteBuffer.allocate(sorted.size() * h);
        for (Entry e : sorted) {
            oidl.put(e.id().toByteArray());
        }
        boolean large = forceLargeOffsets || sorted.stream().anyMatch(e -> e.offset() > 0xffffffffL);
        ByteBuffer ooff = ByteBuffer.allocate(sorted.size() * 8);
        ByteArrayOutputStream loff = new ByteArrayOutputStream();
        int nLarge = 0;
        for (Entry e : sorted) {
            ooff.putInt(e.pack());
            if (large && e.offset() > 0x7fffffffL) {
                ooff.putInt(0x80000000 | nLarge++);
                loff.writeBytes(ByteBuffer.allocate(8).putLong(e.offset()).array());
            } else {
                ooff.putInt((int) e.offset());
            }
        }
        Map<Integer, byte[]> chunks = new LinkedHashMap<>();
        chunks.put(MultiPackIndex.PNAM, pnam.toByteArray());
        chunks.put(MultiPackIndex.OIDF, oidf.array());
        chunks.put(MultiPackIndex.OIDL, oidl.array());
        chunks.put(MultiPackIndex.OOFF, ooff.array());
        if (large) {
            chunks.put(MultiPackIndex.LOFF, loff.toByteArray());
        }
        chunks.putAll(extraChunks);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(12);
        head.putInt(MultiPackIndex.SIGNATURE).put((byte) version).put((byte) (format == ObjectFormat.SHA256 ? 2 : 1))
                .put((byte) chunks.size()).put((byte) 0).putInt(packNames.size());
        out.writeBytes(head.array());
        long pos = 12 + 12L * (chunks.size() + 1);
        for (Map.Entry<Integer, byte[]> c : chunks.entrySet()) {
            out.writeBytes(ByteBuffer.allocate(12).putInt(c.getKey()).putLong(pos).array());
            pos += c.getValue().length;
        }
        out.writeBytes(ByteBuffer.allocate(12).putInt(0).putLong(pos).array());
        for (byte[] c : chunks.values()) {
            out.writeBytes(c);
        }
        return withChecksum(format, out.toByteArray());
    }

    /** Returns {@code body} followed by its hash: the trailer git's chunk files end with. */
    public static byte[] withChecksum(ObjectFormat format, byte[] body) {
        MessageDigest md = format.newDigest();
        byte[] sum = md.digest(body);
        byte[] all = java.util.Arrays.copyOf(body, body.length + sum.length);
        System.arraycopy(sum, 0, all, body.length, sum.length);
        return all;
    }

    /** Replaces the trailer of {@code file} by the hash of the bytes before it. */
    public static byte[] fixChecksum(ObjectFormat format, byte[] file) {
        int h = format.length();
        return file.length < h ? file : withChecksum(format, java.util.Arrays.copyOf(file, file.length - h));
    }
}
