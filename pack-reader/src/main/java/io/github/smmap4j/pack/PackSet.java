package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packs of one scan of a {@link PackDirectory} and its search order: what a listing reads,
 * whatever later scans do. Immutable.
 *
 * @param packs      the packs, in scan order
 * @param midx       the multi-pack-indexes in use, in git's order
 * @param uncovered  the packs none of them covers, in scan order
 * @param objectDirs the object directories, for git's pack order
 * @param everyPack  where an object is when a multi-pack-index's answer is not confirmed
 */
record PackSet(PackFile[] packs, List<MidxChain> midx, List<PackFile> uncovered, List<Path> objectDirs,
               MidxChain.Fallback everyPack) {
    /** Returns every packed id as sorted runs, in {@link PackDirectory#find}'s order (see {@link IdOrderMerge}). */
    List<IdOrderMerge.Run> idRuns() {
        List<IdOrderMerge.Run> runs = new ArrayList<>();
        for (MidxChain m : midx) {
            runs.addAll(m.runs(everyPack));
        }
        for (PackFile p : uncovered) {
            runs.add(new IdOrderMerge.PackRun(p));
        }
        return runs;
    }

    /**
     * The packs in git's order (packfile.c), the order of {@code --unordered}: first the packs of
     * the multi-pack-indexes, last pack number first (git installs each at the head of its list
     * when it enumerates them, the multi-pack-indexes in {@link PackDirectory#find}'s order);
     * then the others, each object directory's as readdir lists them, each put at the head of
     * the list, then a stable sort: local packs first, then newest {@code .pack} mtime (seconds)
     * first.
     */
    List<PackFile> inGitOrder() throws IOException {
        Set<PackFile> covered = new LinkedHashSet<>();
        List<PackFile> rest = new ArrayList<>(uncovered);
        for (MidxChain m : midx) {
            covered.addAll(m.usablePacks());
            rest.addAll(m.cutPacks());
        }
        List<PackFile> midxFirst = new ArrayList<>(covered);
        Collections.reverse(midxFirst);
        Map<Path, PackFile> byPath = new HashMap<>();
        for (PackFile p : rest) {
            if (!covered.contains(p)) {
                byPath.put(p.index.path().toAbsolutePath().normalize(), p);
            }
        }
        List<PackFile> list = new ArrayList<>();
        Map<PackFile, long[]> key = new HashMap<>();
        for (int k = 0; k < objectDirs.size(); k++) {
            Path packDir = objectDirs.get(k).resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir)) {
                for (Path f : ds) {
                    PackFile p = byPath.remove(f.toAbsolutePath().normalize());
                    if (p != null) {
                        list.addFirst(p);
                        long mtime;
                        try {
                            mtime = Files.getLastModifiedTime(p.packPath()).toMillis() / 1000;
                        } catch (NoSuchFileException gone) {
                            mtime = 0; // deleted since the scan (gc/repack at work): its reads go on by id
                        }
                        key.put(p, new long[] {k == 0 ? 1 : 0, mtime});
                    }
                }
            }
        }
        for (PackFile p : byPath.values()) { // not seen by the listing (raced): keep them, last
            list.addLast(p);
            key.put(p, new long[] {0, 0});
        }
        list.sort(Comparator.<PackFile>comparingLong(p -> -key.get(p)[0]).thenComparingLong(p -> -key.get(p)[1]));
        list.addAll(0, midxFirst);
        return list;
    }
}
