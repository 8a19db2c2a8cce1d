package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.ArrayList;
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

    /** Calls {@code action} with the location of every object, in id order. */
    static void forEach(List<Run> runs, LooseObjects loose, ObjectDatabase.IOConsumer<ObjectLocation> action)
            throws IOException {
        List<ObjectId> looseIds = new ArrayList<>();
        loose.forEach(looseIds::add);
        looseIds.sort(null);
        int k = runs.size();
        int[] next = new int[k];
        ObjectId[] head = new ObjectId[k];
        for (int i = 0; i < k; i++) {
            head[i] = runs.get(i).size() > 0 ? runs.get(i).idAt(0) : null;
        }
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
            // The first source positioned at min that has it locates it; then every one advances.
            ObjectLocation at = null;
            for (int i = 0; i < k; i++) {
                if (min.equals(head[i])) {
                    Run r = runs.get(i);
                    if (at == null) {
                        at = r.locationAt(next[i], min);
                    }
                    next[i]++;
                    head[i] = next[i] < r.size() ? r.idAt(next[i]) : null;
                }
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
}
