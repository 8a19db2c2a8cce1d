package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The verifier's {@link TreeWorker.Sink}, one per worker: the hash of {@code "<type> <size>\0"}
 * and the content must equal the index's id for the entry's offset; records the entry in the
 * shared {@link VerifiedEntries} and counts delta depths.
 */
final class IdCheck implements TreeWorker.Sink {
    private final PackFile pack;
    private final ReverseIndex rev;
    private final VerifiedEntries found;
    private final MessageDigest md;
    private final byte[] idBuf;
    /** {@code histogram[d]}: entries resolved at delta depth {@code d > 0}. */
    private long[] histogram = new long[64];

    IdCheck(PackFile pack, ReverseIndex rev, VerifiedEntries found) {
        this.pack = pack;
        this.rev = rev;
        this.found = found;
        this.md = pack.format.newDigest();
        this.idBuf = new byte[pack.format.length()];
    }

    @Override
    public void resolved(int r, int t, byte[] data, int len, int d, long headerSize) throws IOException {
        md.reset();
        md.update((ObjectType.fromCode(t).typeName() + " " + len).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) 0);
        md.update(data, 0, len);
        try {
            md.digest(idBuf, 0, idBuf.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        int position = rev.positionAt(r);
        if (!pack.index.idEquals(position, idBuf, 0)) {
            throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "object's content hashes to "
                    + ObjectId.fromRaw(idBuf, 0, idBuf.length).name() + " but the index names it "
                    + pack.index.idAt(position).name());
        }
        if (d > 0) {
            if (d >= histogram.length) {
                histogram = Arrays.copyOf(histogram, Math.max(d + 1, histogram.length * 2));
            }
            histogram[d]++;
        }
        found.resolved(r, t, d, headerSize);
    }

    /** The verifier holds every object in memory (its worker's limit is the size cap): never called. */
    @Override
    public void large(int rank) {
        throw new IllegalStateException("the verifier has no in-memory limit");
    }

    /** The delta depth histogram of what this sink checked: {@code [d]} for depth {@code d > 0}. */
    long[] histogram() {
        return histogram;
    }
}
