package io.github.smmap4j.pack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A fresh copy of a one-pack fixture whose pack and idx bytes a test may damage, with the
 * undamaged layout (entries, chains) and content as the oracle. Content is read with the library
 * from the undamaged copy and each object's id is recomputed from it, so the oracle is checked.
 */
public final class PackSurgery {
    /** One pack entry of the undamaged pack. */
    public record Entry(ObjectId id, int pos, long offset, long length, int typeCode, long size, long dataOffset,
                 long baseOffset, ObjectId baseId) {
        boolean isDelta() {
            return typeCode == ObjectType.OFS_DELTA || typeCode == ObjectType.REF_DELTA;
        }

        public int headerLength() {
            return (int) (dataOffset - offset);
        }
    }

    /** An object's undamaged type and content. */
    record Content(ObjectType type, byte[] data) {
    }

    public final Path gitDir;
    final Path packPath;
    public final Path idxPath;
    final ObjectFormat format;
    public final byte[] origPack;
    public final byte[] origIdx;
    public byte[] pack;
    public byte[] idx;
    public final List<Entry> entries = new ArrayList<>(); // offset order
    final Map<ObjectId, Entry> byId = new HashMap<>();
    final Map<Long, Entry> byOffset = new HashMap<>();
    final Map<ObjectId, Content> content = new HashMap<>();
    final Map<ObjectId, Integer> origCrc = new HashMap<>();

    private PackSurgery(Path gitDir) throws IOException {
        this.gitDir = gitDir;
        Path packDir = gitDir.resolve("objects").resolve("pack");
        Path found = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir, "pack-*.idx")) {
            for (Path p : ds) {
                if (found != null) {
                    throw new IllegalStateException("fixture has more than one pack: " + gitDir);
                }
                found = p;
            }
        }
        idxPath = found;
        String n = idxPath.getFileName().toString();
        packPath = packDir.resolve(n.substring(0, n.length() - 4) + ".pack");
        origPack = Files.readAllBytes(packPath);
        origIdx = Files.readAllBytes(idxPath);
        reset();
        try (ObjectDatabase db = ObjectDatabase.open(gitDir); ObjectReader r = db.newReader()) {
            format = db.format();
            PackFile p = db.packs().getFirst();
            ReverseIndex rev = p.reverseIndex();
            for (int i = 0; i < rev.size(); i++) {
                long off = rev.offsetAt(i);
                int pos = rev.positionAt(i);
                PackEntry pe = r.entryAt(p, off);
                Entry e = new Entry(p.index.idAt(pos), pos, off, rev.packedLength(i), pe.typeCode(), pe.size(),
                        pe.dataOffset(), pe.baseOffset(), pe.baseId());
                entries.add(e);
                byId.put(e.id, e);
                byOffset.put(off, e);
                CRC32 crc = new CRC32();
                crc.update(origPack, (int) off, (int) e.length);
                origCrc.put(e.id, (int) crc.getValue());
            }
            for (Entry e : entries) {
                ObjectLoader l = r.open(e.id);
                byte[] data = l.bytes();
                if (!hash(format, l.type(), data).equals(e.id)) {
                    throw new IllegalStateException("oracle broken: " + e.id + " does not hash to its id");
                }
                content.put(e.id, new Content(l.type(), data));
            }
        }
    }

    /** Reads the undamaged state of the one-pack repository at {@code gitDir} (damaged in place). */
    public static PackSurgery at(Path gitDir) throws IOException {
        return new PackSurgery(gitDir);
    }

    /** Extracts fixture {@code name} afresh and reads its undamaged state. */
    public static PackSurgery of(String name) throws IOException {
        return new PackSurgery(Fixtures.extractFresh(name).resolve(name + ".git"));
    }

    static ObjectId hash(ObjectFormat f, ObjectType type, byte[] data) {
        MessageDigest md = f.newDigest();
        md.update((type.typeName() + " " + data.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        md.update(data);
        byte[] d = md.digest();
        return ObjectId.fromRaw(d, 0, d.length);
    }

    /** Restores the undamaged bytes (in memory; call {@link #write()}). */
    public void reset() {
        pack = origPack.clone();
        idx = origIdx.clone();
    }

    /** Writes the current pack and idx bytes to disk. */
    public void write() throws IOException {
        Files.write(packPath, pack);
        Files.write(idxPath, idx);
    }

    /** Makes both trailers valid for the current bytes: pack checksum, idx copy of it, idx checksum. */
    public void fixTrailers() {
        int h = format.length();
        if (pack.length >= h) {
            MessageDigest md = format.newDigest();
            md.update(pack, 0, pack.length - h);
            System.arraycopy(md.digest(), 0, pack, pack.length - h, h);
            if (idx.length >= 2 * h) {
                System.arraycopy(pack, pack.length - h, idx, idx.length - 2 * h, h);
            }
        }
        fixIdxChecksum();
    }

    void fixIdxChecksum() {
        int h = format.length();
        if (idx.length >= h) {
            MessageDigest md = format.newDigest();
            md.update(idx, 0, idx.length - h);
            System.arraycopy(md.digest(), 0, idx, idx.length - h, h);
        }
    }

    /** Cuts the pack after {@code len} bytes and appends a valid trailer (so the reader gets past open). */
    void truncatePackKeepTrailer(int len) {
        int h = format.length();
        pack = Arrays.copyOf(pack, len + h);
        fixTrailers();
    }

    /** Returns the inflated data of entry {@code e} in the undamaged pack. */
    byte[] inflated(Entry e) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(origPack, (int) e.dataOffset, (int) (e.offset + e.length - e.dataOffset));
            byte[] out = new byte[(int) e.size];
            int n = 0;
            while (n < out.length) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.finished() || inf.needsInput())) {
                    break;
                }
                n += k;
            }
            return out;
        } catch (java.util.zip.DataFormatException ex) {
            throw new IOException(ex);
        } finally {
            inf.end();
        }
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /**
     * Encodes an entry header of exactly {@code len} bytes (the size varint padded with
     * continuation bytes, which git's parser accepts) for a whole or OFS/REF delta entry whose
     * base part is copied from the undamaged entry.
     */
    byte[] header(Entry e, int type, long size) {
        byte[] basePart = Arrays.copyOfRange(origPack, (int) (e.offset + sizeVarintLength(e)), (int) e.dataOffset);
        int sizeLen = sizeVarintLength(e);
        byte[] out = new byte[sizeLen + basePart.length];
        long s = size;
        out[0] = (byte) ((type << 4) | (s & 15));
        s >>>= 4;
        for (int i = 1; i < sizeLen; i++) {
            out[i - 1] |= (byte) 0x80;
            out[i] = (byte) (s & 0x7f);
            s >>>= 7;
        }
        if (s != 0) {
            throw new IllegalArgumentException("size " + size + " does not fit " + sizeLen + " header bytes");
        }
        System.arraycopy(basePart, 0, out, sizeLen, basePart.length);
        return out;
    }

    int sizeVarintLength(Entry e) {
        int p = (int) e.offset;
        int n = 1;
        while ((origPack[p++] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    /** Rewrites entry {@code e}'s declared size (same header length). */
    void setDeclaredSize(Entry e, long size) {
        byte[] h = header(e, e.typeCode, size);
        System.arraycopy(h, 0, pack, (int) e.offset, h.length);
    }

    /**
     * Replaces the inflated data of entry {@code e} with {@code data} (deflated anew, header
     * size updated), keeping every entry where it is; returns false if it does not fit.
     */
    boolean replaceData(Entry e, byte[] data) {
        byte[] z = deflate(data);
        if (e.headerLength() + z.length > e.length) {
            return false;
        }
        byte[] h = header(e, e.typeCode, data.length);
        System.arraycopy(h, 0, pack, (int) e.offset, h.length);
        System.arraycopy(z, 0, pack, (int) e.dataOffset, z.length);
        return true;
    }

    /** Writes {@code bytes} at the start of entry {@code e} (bytes after them are left as they were). */
    void overwrite(long at, byte[] bytes) {
        System.arraycopy(bytes, 0, pack, (int) at, bytes.length);
    }

    /** Returns the entries of the chain of {@code id}: its own entry, its base, and so on. */
    List<Entry> chain(ObjectId id) {
        List<Entry> out = new ArrayList<>();
        Entry e = byId.get(id);
        while (e != null) {
            out.add(e);
            if (e.typeCode == ObjectType.OFS_DELTA) {
                e = byOffset.get(e.baseOffset);
            } else if (e.typeCode == ObjectType.REF_DELTA) {
                e = byId.get(e.baseId);
            } else {
                e = null;
            }
        }
        return out;
    }

    /** Returns the ids whose chain includes any of {@code damaged}. */
    Set<ObjectId> dependents(Entry... damaged) {
        Set<Entry> d = Set.of(damaged);
        Set<ObjectId> out = new LinkedHashSet<>();
        for (Entry e : entries) {
            for (Entry c : chain(e.id)) {
                if (d.contains(c)) {
                    out.add(e.id);
                    break;
                }
            }
        }
        return out;
    }

    /** Returns the first entry (offset order) that matches. */
    Entry first(java.util.function.Predicate<Entry> p) {
        return entries.stream().filter(p).findFirst().orElseThrow();
    }

    /** idx v2 layout helpers. */
    boolean idxV2() {
        return (origIdx[0] & 0xff) == 0xff && origIdx[1] == 't' && origIdx[2] == 'O' && origIdx[3] == 'c';
    }

    int count() {
        return entries.size();
    }

    /** File position of the 32-bit offset of index position {@code n}. */
    int idxOffsetPos(int n) {
        int h = format.length();
        return idxV2() ? 8 + 1024 + count() * h + 4 * count() + 4 * n : 1024 + n * (4 + h);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
