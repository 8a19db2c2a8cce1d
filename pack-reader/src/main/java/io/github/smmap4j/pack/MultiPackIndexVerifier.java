package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Checks an object directory's multi-pack-index as {@code git multi-pack-index verify} does:
 * {@code objects/pack/multi-pack-index}, or else each layer of the incremental chain
 * {@code objects/pack/multi-pack-index.d/} (git 2.47+). Reported in git's words:
 * the checksum ({@code incorrect checksum}), that every pack it names loads
 * ({@code failed to load pack in position N}), that it holds objects, the id order
 * ({@code oid lookup out of order: ...}) and, for every object, that the pack it names holds it
 * at the offset it records ({@code incorrect object offset for oid[N] = <id>: <x> != <y>}, with 0
 * for an object the pack does not hold). Beyond git: that every object of every pack it names is
 * in it (a lookup of an object left out would find nothing, since the packs it covers are not
 * searched one by one), that each chain layer's file is named by its checksum, and the chain
 * file itself, and every object's pack number and large offset. The layout (chunk table, chunk
 * sizes, pack names, a monotonic fan-out) is checked on reading; a file whose layout is wrong is
 * reported as {@code multi-pack-index file exists, but failed to parse}, after the reason.
 *
 * <p>Packs are opened from the object directory by the names the file records, with the
 * database's map manager and object format, and closed again. The problems listed are capped at
 * {@value #MAX_PROBLEMS}; a last line says how many more there were.
 */
public final class MultiPackIndexVerifier {
    /** At most this many problems are listed. */
    public static final int MAX_PROBLEMS = 1000;

    /**
     * The outcome of a verification.
     *
     * @param files    the files checked: the single multi-pack-index, or the chain's layers base
     *                 first; empty if the directory has none (nothing to verify, as in git)
     * @param packs    packs named, over all layers
     * @param objects  objects indexed, over all layers
     * @param problems what is wrong, in git's words where git reports it; empty if valid
     */
    public record Result(List<Path> files, long packs, long objects, List<String> problems) {
        /** Copies the lists. */
        public Result {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }

        /** Returns true if nothing is wrong. */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final ObjectDatabase db;
    private final Path packDir;
    private final List<String> problems = new ArrayList<>();
    private long unlisted;
    private final List<MultiPackIndex> layers = new ArrayList<>();
    private final List<PackFile> packs = new ArrayList<>(); // by global pack number; null if it did not load

    private MultiPackIndexVerifier(ObjectDatabase db, Path objectDir) {
        this.db = db;
        this.packDir = objectDir.resolve("pack");
    }

    /**
     * Verifies the multi-pack-index of {@code objectDir} (an objects directory: the database's
     * own, an alternate, or any other whose packs use the database's object format).
     *
     * @throws CorruptPackException if the file is not a multi-pack-index at all (its signature or
     *                              version; git dies there instead of reporting)
     * @throws IOException          if a file cannot be read
     */
    public static Result verify(ObjectDatabase db, Path objectDir) throws IOException {
        MultiPackIndexVerifier v = new MultiPackIndexVerifier(db, objectDir);
        try {
            return v.run();
        } finally {
            for (MultiPackIndex m : v.layers) {
                m.close();
            }
            for (PackFile p : v.packs) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private void problem(String what) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(what);
        } else {
            unlisted++;
        }
    }

    private Result run() throws IOException {
        Path single = packDir.resolve(MidxChain.SINGLE);
        List<Path> files = new ArrayList<>();
        boolean chain = !Files.exists(single);
        if (chain) {
            Path dir = packDir.resolve(MidxChain.CHAIN_DIR);
            for (String h : MidxChain.chainHashes(dir.resolve(MidxChain.CHAIN_FILE), db.format(), this::problem)) {
                files.add(MidxChain.layerPath(dir, h));
            }
        } else {
            files.add(single);
        }
        for (Path f : files) {
            if (!open(f, chain)) {
                break;
            }
        }
        if (!layers.isEmpty()) {
            check(chain);
        }
        if (unlisted > 0) {
            problems.add("(" + unlisted + " more problems not listed)");
        }
        long nPacks = 0;
        long nObjects = 0;
        for (MultiPackIndex m : layers) {
            nPacks += m.packCount();
            nObjects += m.objectCount();
        }
        return new Result(files, nPacks, nObjects, problems);
    }

    /** Opens one file, or reports why it does not parse; false stops reading the chain. */
    private boolean open(Path f, boolean chain) throws IOException {
        if (!Files.exists(f)) {
            problem("unable to find all multi-pack index files (" + f.getFileName() + " is missing)");
            return false;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(f)) {
            head = in.readNBytes(5);
        }
        if (head.length == 5) {
            MultiPackIndex.checkHeader(f, ByteBuffer.wrap(head).getInt(), head[4] & 0xff);
        }
        MultiPackIndex m;
        try {
            m = MultiPackIndex.open(db.manager(), f, db.format());
        } catch (CorruptPackException e) {
            problem(e.getMessage());
            problem(chain ? "unable to find all multi-pack index files" : "multi-pack-index file exists, but failed to parse");
            return false;
        }
        layers.add(m);
        String want = f.getFileName().toString();
        if (chain && !want.equals(MidxChain.layerPath(f.getParent(), m.checksumHex()).getFileName().toString())) {
            problem(f.getFileName() + ": checksum " + m.checksumHex() + " is not the one its name and chain give");
        }
        return true;
    }

    private void check(boolean chain) throws IOException {
        for (MultiPackIndex m : layers) {
            if (!m.checksumValid()) {
                problem(chain ? m.path().getFileName() + ": incorrect checksum" : "incorrect checksum");
            }
        }
        long total = 0;
        for (MultiPackIndex m : layers) {
            for (int i = 0; i < m.packCount(); i++) {
                packs.add(openPack(m.packName(i)));
                if (packs.getLast() == null) {
                    problem("failed to load pack in position " + (packs.size() - 1));
                }
            }
            total += m.objectCount();
        }
        if (total == 0) {
            problem("the midx contains no oid");
            return;
        }
        for (MultiPackIndex m : layers) {
            for (int i = 0; i + 1 < m.objectCount(); i++) {
                if (m.compareIds(i, i + 1) >= 0) {
                    problem("oid lookup out of order: oid[" + i + "] = " + m.idAt(i).name() + " >= "
                            + m.idAt(i + 1).name() + " = oid[" + (i + 1) + "]");
                }
            }
        }
        checkOffsets();
        checkCoverage();
    }

    /** Every object: the pack it names holds it at the offset it records. */
    private void checkOffsets() {
        long before = 0;
        int base = 0;
        for (MultiPackIndex m : layers) {
            for (int n = 0; n < m.objectCount(); n++) {
                ObjectId id = m.idAt(n);
                int pack = m.packAt(n);
                long mine = m.offsetAt(n);
                if (pack < 0 || pack >= m.packCount()) {
                    problem("bad pack-int-id: " + Integer.toUnsignedString(pack) + " (" + m.packCount() + " total packs)");
                    continue;
                }
                if (mine < 0) {
                    problem("multi-pack-index large offset out of bounds (oid[" + (before + n) + "])");
                    continue;
                }
                PackFile p = packs.get(base + pack);
                String oid = "oid[" + (before + n) + "] = " + id.name();
                if (p == null) {
                    problem("failed to load pack entry for " + oid);
                    continue;
                }
                try {
                    long theirs = Math.max(0, p.index.findOffset(id));
                    if (mine != theirs) {
                        problem("incorrect object offset for " + oid + ": " + Long.toHexString(mine) + " != "
                                + Long.toHexString(theirs));
                    }
                } catch (CorruptPackException e) {
                    problem(e.getMessage());
                }
            }
            before += m.objectCount();
            base += m.packCount();
        }
    }

    /** Every object of every pack named is in some layer: lookups would not find it otherwise. */
    private void checkCoverage() {
        Set<PackFile> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (PackFile p : packs) {
            if (p == null || !seen.add(p)) {
                continue;
            }
            for (int i = 0; i < p.objectCount(); i++) {
                ObjectId id = p.index.idAt(i);
                boolean found = false;
                for (int l = layers.size() - 1; l >= 0 && !found; l--) {
                    found = layers.get(l).contains(id);
                }
                if (!found) {
                    problem("object " + id.name() + " of " + p.indexPath().getFileName() + " is missing from the multi-pack-index");
                }
            }
        }
    }

    /** Opens the pack whose index is {@code idxName} in the directory, or returns null. */
    private PackFile openPack(String idxName) {
        if (!idxName.endsWith(".idx") || idxName.contains("/") || idxName.equals(".idx")) {
            return null;
        }
        Path idx = packDir.resolve(idxName);
        Path pack = packDir.resolve(idxName.substring(0, idxName.length() - 4) + ".pack");
        try {
            return PackFile.open(0, db.manager(), idx, pack, db.format());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
