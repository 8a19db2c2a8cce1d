package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every object of a database exactly once, in no particular order, on N threads: per pack its
 * {@link DeltaForest} (walk policy) resolved tree by tree by {@link TreeWorker}s, the verifier's
 * engine, so each entry is inflated once; roots that are deltas on bases elsewhere (another pack,
 * a later REF_DELTA base) are loaded through the reader's chain loader first; objects above the
 * stream threshold, and everything built on them, come as streams. An object of several packs is
 * visited in the first pack holding it; then the loose objects no pack holds, once each.
 */
final class AnyOrderTraversal {
    private final Storage storage;
    private final int parallelism;
    private final ObjectVisitor visitor;

    AnyOrderTraversal(Storage storage, int parallelism, ObjectVisitor visitor) {
        this.storage = storage;
        this.parallelism = Math.max(1, parallelism);
        this.visitor = visitor;
    }

    /** Takes the loose ids and packs together ({@link ListingScan}), walks the packs, then reads the loose objects no pack holds. */
    void run() throws IOException {
        ListingScan l = ListingScan.take(storage);
        PackFile[] packs = l.packs().packs();
        for (int i = 0; i < packs.length; i++) {
            pack(packs, i);
        }
        loose(packs, l.loose());
    }

    private void pack(PackFile[] packs, int i) throws IOException {
        PackFile p = packs[i];
        ReverseIndex rev = p.reverseIndex();
        int n = rev.size();
        DeltaForest forest;
        try (ReadContext ctx = new ReadContext()) {
            forest = DeltaForest.scan(p, ctx, 0, n, DeltaForest.Policy.WALK);
        }
        int[] whole = forest.roots();
        int[] roots = new int[n];
        int count = whole.length;
        System.arraycopy(whole, 0, roots, 0, count);
        for (int r = 0; r < n; r++) {
            if (forest.baseRank(r) == DeltaForest.OUTSIDE) {
                roots[count++] = r;
            }
        }
        int[] all = java.util.Arrays.copyOf(roots, count);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<ObjectReader> readers = new ArrayList<>();
        try {
            for (int t = 0; t < parallelism; t++) {
                ObjectReader reader = new ObjectReader(storage);
                readers.add(reader);
                Visit sink = new Visit(packs, i, rev, reader);
                TreeWorker w = new TreeWorker(p, rev, forest, all, next, failure, sink, storage.maxObjectSize(),
                        storage.streamThreshold(), r -> reader.loader().load(p, rev.offsetAt(r), 0, storage.streamThreshold()));
                threads.add(Thread.ofPlatform().name("smmap4j-any-order-" + t).start(w));
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, new InterruptedIOException("traversal interrupted"));
            for (Thread t : threads) {
                t.interrupt();
            }
            Thread.currentThread().interrupt();
        } finally {
            for (ObjectReader r : readers) {
                r.close();
            }
        }
        ThreadFailure.rethrow(failure.get());
    }

    /**
     * The listed loose objects no walked pack holds, each once (alternates may repeat one), read
     * by id: one git packed since it was listed is read from its new pack.
     */
    private void loose(PackFile[] packs, List<ObjectId> ids) throws IOException {
        Set<ObjectId> seen = new HashSet<>();
        try (ObjectReader reader = new ObjectReader(storage)) {
            for (ObjectId id : ids) {
                if (seen.add(id) && !inPack(packs, packs.length, id)) {
                    reader.open(id).visitBy(visitor);
                }
            }
        }
    }

    private static boolean inPack(PackFile[] packs, int before, ObjectId id) {
        for (int k = 0; k < before; k++) {
            if (packs[k].index.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** One worker's sink: hands resolved objects to the visitor, large ones as streams read through its own reader. */
    private final class Visit implements TreeWorker.Sink {
        private final PackFile[] packs;
        private final int packIndex;
        private final PackFile pack;
        private final ReverseIndex rev;
        private final ObjectReader reader;

        Visit(PackFile[] packs, int packIndex, ReverseIndex rev, ObjectReader reader) {
            this.packs = packs;
            this.packIndex = packIndex;
            this.pack = packs[packIndex];
            this.rev = rev;
            this.reader = reader;
        }

        private ObjectId idOf(int rank) {
            ObjectId id = pack.index.idAt(rev.positionAt(rank));
            return inPack(packs, packIndex, id) ? null : id; // an earlier pack's copy was visited
        }

        @Override
        public void resolved(int rank, int typeCode, byte[] data, int len, int depth, long headerSize) throws IOException {
            ObjectId id = idOf(rank);
            if (id != null) {
                visitor.visit(id, ObjectType.fromCode(typeCode), len, data, null);
            }
        }

        @Override
        public void large(int rank) throws IOException {
            ObjectId id = idOf(rank);
            if (id != null) {
                reader.open(new ObjectLocation(id, pack, rev.offsetAt(rank))).visitBy(visitor);
            }
        }
    }
}
