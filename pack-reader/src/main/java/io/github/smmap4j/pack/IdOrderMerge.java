package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object id of a database once, in id order: the packs' indexes (each already sorted)
 * merged with the sorted loose ids. An id in several places is located in the first pack holding
 * it (scan order), else as loose: where a lookup by id would read it.
 */
final class IdOrderMerge {
    private IdOrderMerge() {
    }

    /** Calls {@code action} with the location of every object, in id order. */
    static void forEach(PackFile[] packs, LooseObjects loose, ObjectDatabase.IOConsumer<ObjectLocation> action)
            throws IOException {
        List<ObjectId> looseIds = new ArrayList<>();
        loose.forEach(looseIds::add);
        looseIds.sort(null);
        int[] next = new int[packs.length];
        ObjectId[] head = new ObjectId[packs.length];
        for (int i = 0; i < packs.length; i++) {
            head[i] = packs[i].objectCount() > 0 ? packs[i].index.idAt(0) : null;
        }
        int li = 0;
        while (true) {
            ObjectId min = li < looseIds.size() ? looseIds.get(li) : null;
            int from = -1;
            for (int i = 0; i < head.length; i++) {
                ObjectId h = head[i];
                if (h != null && (min == null || h.compareTo(min) < 0 || (from < 0 && h.equals(min)))) {
                    min = h;
                    from = i;
                }
            }
            if (min == null) {
                return;
            }
            action.accept(from < 0 ? ObjectLocation.loose(min)
                    : new ObjectLocation(min, packs[from], packs[from].index.offsetAt(next[from])));
            // Advance every source positioned at min: each id is reported once.
            for (int i = 0; i < packs.length; i++) {
                if (min.equals(head[i])) {
                    next[i]++;
                    head[i] = next[i] < packs[i].objectCount() ? packs[i].index.idAt(next[i]) : null;
                }
            }
            while (li < looseIds.size() && looseIds.get(li).equals(min)) {
                li++;
            }
        }
    }
}
