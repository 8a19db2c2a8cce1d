package io.github.smmap4j.pack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search order of one scan of a {@link PackDirectory}: the multi-pack-indexes in git's
 * order, then the packs none of them covers, in scan order; and the searches along it (an id,
 * an abbreviation). Immutable (the arrays are not changed once made).
 *
 * @param midx      the multi-pack-indexes, in git's order
 * @param uncovered the packs no multi-pack-index covers, in scan order
 */
record PackLookup(MidxChain[] midx, PackFile[] uncovered) {
    /** No packs. */
    static final PackLookup EMPTY = new PackLookup(new MidxChain[0], new PackFile[0]);

    /**
     * Returns the search order of {@code packs}, just scanned: each object directory's
     * multi-pack-index matched to its packs, in git's order (packfile.c/midx.c: the first
     * directory's stays at the head of the list, each later one is inserted right after it),
     * and the packs none covers. The files of {@code midxFiles} no multi-pack-index uses are
     * retired.
     */
    static PackLookup of(PackFile[] packs, List<Path> objectDirs, MidxFiles midxFiles) {
        List<MidxChain> found = new ArrayList<>();
        Set<PackFile> covered = new HashSet<>();
        Set<Path> used = new HashSet<>();
        for (Path d : objectDirs) {
            Path packDir = d.resolve("pack").toAbsolutePath().normalize();
            Map<String, PackFile> byName = new HashMap<>();
            for (PackFile p : packs) {
                Path idx = p.index.path().toAbsolutePath().normalize();
                if (packDir.equals(idx.getParent())) {
                    byName.put(idx.getFileName().toString(), p);
                }
            }
            MidxChain m = byName.isEmpty() ? null : MidxChain.load(packDir, byName, midxFiles, used);
            if (m != null) {
                found.add(m);
                covered.addAll(m.allPacks()); // those of layers cut off later are searched by the chain
            }
        }
        if (found.size() > 2) {
            Collections.reverse(found.subList(1, found.size()));
        }
        midxFiles.retainOnly(used);
        List<PackFile> uncovered = new ArrayList<>();
        for (PackFile p : packs) {
            if (!covered.contains(p)) {
                uncovered.add(p);
            }
        }
        return new PackLookup(found.toArray(new MidxChain[0]), uncovered.toArray(new PackFile[0]));
    }

    /**
     * Returns where a pack not in {@code skip} holds {@code id}, or null: where the first
     * multi-pack-index holding it says, else the first uncovered pack holding it; when the
     * multi-pack-index's copy is skipped, the first of {@code all} (every pack, in scan order)
     * holding another.
     *
     * @param everyPack where an object is when a multi-pack-index's answer is not confirmed
     */
    ObjectLocation find(ObjectId id, List<PackFile> skip, PackFile[] all, MidxChain.Fallback everyPack)
            throws CorruptPackException {
        for (MidxChain m : midx) {
            ObjectLocation at = m.find(id, everyPack);
            if (at != null) {
                // The multi-pack-index keeps one copy; for another, ask every pack.
                return !skip.contains(at.pack()) ? at : firstPack(all, id, skip);
            }
        }
        return firstPack(uncovered, id, skip);
    }

    /** Returns where the first pack of {@code in} not in {@code skip} holds {@code id}, or null. */
    static ObjectLocation firstPack(PackFile[] in, ObjectId id, List<PackFile> skip) throws CorruptPackException {
        for (PackFile p : in) {
            int pos = p.index.findPosition(id);
            if (pos >= 0 && !skip.contains(p)) {
                return new ObjectLocation(id, p, p.index.offsetAt(pos));
            }
        }
        return null;
    }

    /** Adds to {@code out} up to {@code limit} ids starting with {@code hexPrefix} (maybe some twice). */
    void resolve(String hexPrefix, List<ObjectId> out, int limit) {
        for (MidxChain m : midx) {
            m.resolve(hexPrefix, out, limit);
        }
        for (PackFile p : uncovered) {
            p.index.resolve(hexPrefix, out, limit);
        }
    }
}
