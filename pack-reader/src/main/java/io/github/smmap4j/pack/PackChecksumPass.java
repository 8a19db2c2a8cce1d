package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The verifier's sequential pass: reads the pack once from start to end in 1 MiB heap chunks,
 * checks the hash of everything before the trailer against the pack checksum the index records,
 * and computes each entry's CRC32 over its packed bytes: checked against an index of version 2,
 * kept for the listing when asked. Runs on a thread of its own, overlapping the verifier's other
 * work; its {@link #crc32} values are read after it ended.
 */
final class PackChecksumPass {
    private static final int CHUNK = 1 << 20;

    private final PackFile pack;
    private final ReverseIndex rev;
    private final int n;
    /** Per rank: the entry's CRC32, for the listing; null when not listing. */
    private final int[] crcs;

    PackChecksumPass(PackFile pack, ReverseIndex rev, boolean keepCrcs) {
        this.pack = pack;
        this.rev = rev;
        this.n = rev.size();
        this.crcs = keepCrcs ? new int[n] : null;
    }

    /** The CRC32 of the entry at {@code rank} (when keeping them, after {@link #run} returned). */
    int crc32(int rank) {
        return crcs[rank];
    }

    /** Hashes the pack and checks its trailer; computes (and checks, or keeps) every entry's CRC32. */
    void run() throws IOException {
        PackIndex idx = pack.index;
        boolean check = idx.hasCrc();
        boolean crc = check || crcs != null;
        ObjectFormat format = pack.format;
        MessageDigest sum = format.newDigest();
        CRC32 c32 = new CRC32();
        byte[] buf = new byte[CHUNK];
        int entry = -1;
        long entryEnd = n > 0 ? rev.offsetAt(0) : pack.dataEnd;
        try (WindowCursor c = pack.newCursor()) {
            for (long pos = 0; pos < pack.dataEnd; ) {
                int len = pack.copy(c, pos, buf, 0, (int) Math.min(buf.length, pack.dataEnd - pos), pos);
                sum.update(buf, 0, len);
                if (crc) {
                    // Split the chunk at entry starts: [entry start, next entry start) is one CRC.
                    int p = 0;
                    while (p < len) {
                        long here = pos + p;
                        if (here == entryEnd) {
                            if (entry >= 0) {
                                entryCrc(entry, (int) c32.getValue(), check);
                            }
                            entry++;
                            c32.reset();
                            entryEnd = entry + 1 < n ? rev.offsetAt(entry + 1) : pack.dataEnd;
                        }
                        int take = (int) Math.min(len - p, entryEnd - here);
                        if (entry >= 0) {
                            c32.update(buf, p, take);
                        }
                        p += take;
                    }
                }
                pos += len;
            }
            if (crc && entry >= 0) {
                entryCrc(entry, (int) c32.getValue(), check);
            }
        }
        if (!Arrays.equals(sum.digest(), idx.packChecksum())) {
            throw new CorruptPackException(pack.packPath, pack.dataEnd,
                    "pack is corrupted (" + (format == ObjectFormat.SHA1 ? "SHA1" : "SHA256") + " mismatch): its content does not match its trailer checksum");
        }
    }

    private void entryCrc(int rank, int actual, boolean check) throws CorruptPackException {
        if (crcs != null) {
            crcs[rank] = actual;
        }
        if (check) {
            int pos = rev.positionAt(rank);
            int expected = pack.index.crcAt(pos);
            if (expected != actual) {
                throw new CorruptPackException(pack.packPath, rev.offsetAt(rank), String.format(
                        "CRC32 mismatch for object %s: index has %08x, packed data has %08x",
                        pack.index.idAt(pos).name(), expected, actual));
            }
        }
    }
}
