package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.List;

/**
 * Every object id of a database once, in id order: sorted runs of located ids (multi-pack-index
 * layers, then the indexes of the packs they do not cover) merged with the sorted loose ids. An
 * id in several places is located by the first run holding it, else as loose: where a lookup by
 * id would read it ({@link PackDirectory#find}).
 */
final class IdOrderMerge {
    private IdOrderMerge() {
    }

    /** One sorted run of ids, each with where it lives. */
    interface Run {
        /** Returns the number of ids. */
        int size();

        /** Returns the {@code n}-th id in id order. */
        ObjectId idAt(int n);

        /** Returns where the {@code n}-th id ({@code id}) lives, or null if it is not there after all. */
        ObjectLocation locationAt(int n, ObjectId id) throws CorruptPackException;
    }

    /** A pack's index as a run: each id located in that pack. */
    record PackRun(PackFile pack) implements Run {
        @Override
        public int size() {
            return pack.objectCount();
        }

        @Override
        public ObjectId idAt(int n) {
            return pack.index.idAt(n);
        }

        @Override
        public ObjectLocation locationAt(int n, ObjectId id) throws CorruptPackException {
            return new ObjectLocation(id, pack, pack.index.offsetAt(n));
        }
    }

    /**
     * Calls {@code action} with the location of every object of {@code runs} and
     * {@code looseIds} (sorted here), in id order. An id of a multi-pack-index run is located by
     * the first such run holding it; else, among the pack runs holding it, as git's lookup
     * ({@code find_pack_entry}) picks: the most recently used pack first, the one it came from
     * then moved to the front, starting in {@code gitOrder} (git's pack order); else as loose.
     */
    static void forEach(List<Run> runs, List<PackFile> gitOrder, List<ObjectId> looseIds,
                        ObjectDatabase.IOConsumer<ObjectLocation> action) throws IOException {
        looseIds.sort(null);
        int k = runs.size();
        int[] next = new int[k];
        ObjectId[] head = new ObjectId[k];
        for (int i = 0; i < k; i++) {
            head[i] = runs.get(i).size() > 0 ? runs.get(i).idAt(0) : null;
        }
        MostRecentlyUsed mru = new MostRecentlyUsed(runs, gitOrder);
        int li = 0;
        while (true) {
            ObjectId min = li < looseIds.size() ? looseIds.get(li) : null;
            for (ObjectId h : head) {
                if (h != null && (min == null || h.compareTo(min) < 0)) {
                    min = h;
                }
            }
            if (min == null) {
                return;
            }
            // A multi-pack-index run at min locates it, else the pack run git would use; then every one advances.
            ObjectLocation at = null;
            int pick = -1;
            int pickAt = 0;
            for (int i = 0; i < k; i++) {
                if (min.equals(head[i])) {
                    Run r = runs.get(i);
                    if (!mru.isPackRun(i)) {
                        if (at == null) {
                            at = r.locationAt(next[i], min);
                        }
                    } else if (pick < 0 || mru.before(i, pick)) {
                        pick = i;
                        pickAt = next[i];
                    }
                    next[i]++;
                    head[i] = next[i] < r.size() ? r.idAt(next[i]) : null;
                }
            }
            if (at == null && pick >= 0) {
                at = runs.get(pick).locationAt(pickAt, min);
                mru.used(pick);
            }
            boolean isLoose = false;
            while (li < looseIds.size() && looseIds.get(li).equals(min)) {
                isLoose = true;
                li++;
            }
            if (at == null && isLoose) {
                at = ObjectLocation.loose(min);
            }
            if (at != null) {
                action.accept(at);
            }
        }
    }

    /**
     * git's {@code packed_git_mru} over the pack runs: the order its lookup tries the packs no
     * multi-pack-index covers, each pack an object is found in moved to the front.
     */
    private static final class MostRecentlyUsed {
        private final int[] order;  // run indices, most recently used first
        private final int[] rank;   // rank[run] = its position in order, -1 for a run that is not a pack's

        MostRecentlyUsed(List<Run> runs, List<PackFile> gitOrder) {
            rank = new int[runs.size()];
            List<Integer> packRuns = new java.util.ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                rank[i] = -1;
                if (runs.get(i) instanceof PackRun) {
                    packRuns.add(i);
                }
            }
            packRuns.sort(java.util.Comparator.comparingInt(i -> {
                int g = gitOrder.indexOf(((PackRun) runs.get(i)).pack());
                return g < 0 ? Integer.MAX_VALUE : g;
            }));
            order = new int[packRuns.size()];
            for (int p = 0; p < order.length; p++) {
                order[p] = packRuns.get(p);
                rank[order[p]] = p;
            }
        }

        boolean isPackRun(int run) {
            return rank[run] >= 0;
        }

        /** True if pack run {@code a} comes before pack run {@code b}. */
        boolean before(int a, int b) {
            return rank[a] < rank[b];
        }

        /** Moves pack run {@code run} to the front. */
        void used(int run) {
            int p = rank[run];
            System.arraycopy(order, 0, order, 1, p);
            order[0] = run;
            for (int q = 0; q <= p; q++) {
                rank[order[q]] = q;
            }
        }
    }
}
