package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The multi-pack-index of one pack directory as lookups use it, its layers matched to the
 * directory's open packs: {@code multi-pack-index}, or else git 2.47+'s incremental chain
 * ({@code multi-pack-index.d/multi-pack-index-chain} listing the layers base first, each
 * {@code multi-pack-index-<checksum>.midx}). A single file is a chain of one layer. A layer's
 * pack numbers follow those of the layers below it; a lookup searches the newest layer first, as
 * git does, and finds one copy of each object: the pack git chose when it wrote the file.
 *
 * <p>Never trusted into wrong answers. A layer whose layout or hash is wrong, that cannot be
 * read or whose file name is not its checksum is refused when the directory is scanned, with a
 * warning (git errors or warns there), and ends the chain below it; a layer naming a pack the
 * directory does not have (a stale file while git repacks) ends it silently. Opening costs
 * nothing per object: every object found is confirmed by the chosen pack's own index (one more
 * binary search, in one pack), and where that pack does not hold it at the offset the layer
 * records, the lookup asks every pack instead (the first such mismatch is reported). What is not
 * confirmable that way (that an id is absent, the id-order listing, abbreviations) is only
 * answered after each layer's content check ({@link MultiPackIndex#contentProblem}: checksum,
 * id order, pack numbers, large offsets; hashed once per version of the file): the first layer
 * failing it ends the chain, with a warning, and the packs of the layers cut off are searched
 * one by one, by the chain itself.
 */
final class MidxChain {
    static final String SINGLE = "multi-pack-index";
    static final String CHAIN_DIR = "multi-pack-index.d";
    static final String CHAIN_FILE = "multi-pack-index-chain";
    /** A chain file larger than this (about 24,000 SHA-1 layers) is refused, not read. */
    static final long MAX_CHAIN_BYTES = 1 << 20;

    private final MultiPackIndex[] layers; // base first
    private final int[] packBase;          // the global number of each layer's first pack
    private final PackFile[] packs;        // by global pack number
    private final MidxFiles files;
    private final AtomicBoolean mismatchReported = new AtomicBoolean();
    /** The layers in use: all, until a content check fails (then those below the first failing). */
    private volatile int usable;
    /** True once the content of every layer in use is checked; written after {@link #usable}. */
    private volatile boolean checked;

    /** Where an object is when a layer's answer is not confirmed: the search of every pack. */
    @FunctionalInterface
    interface Fallback {
        /** Returns where some pack holds {@code id}, or null. */
        ObjectLocation locate(ObjectId id) throws CorruptPackException;
    }

    private MidxChain(List<MultiPackIndex> layers, List<PackFile> packs, MidxFiles files) {
        this.files = files;
        this.layers = layers.toArray(new MultiPackIndex[0]);
        this.packBase = new int[this.layers.length];
        for (int l = 1; l < this.layers.length; l++) {
            packBase[l] = packBase[l - 1] + this.layers[l - 1].packCount();
        }
        this.packs = packs.toArray(new PackFile[0]);
        this.usable = this.layers.length;
    }

    /**
     * Loads {@code packDir}'s multi-pack-index through {@code files}, matched to the packs open in
     * that directory ({@code byIdxName}: by {@code .idx} file name).
     *
     * @param used receives every multi-pack-index path looked at (the files to keep open)
     * @return the usable layers, or null if there are none
     */
    static MidxChain load(Path packDir, Map<String, PackFile> byIdxName, MidxFiles files, Set<Path> used) {
        Path single = packDir.resolve(SINGLE);
        used.add(single);
        MultiPackIndex m = files.get(single);
        List<MultiPackIndex> layers = m != null ? List.of(m) : chainLayers(packDir.resolve(CHAIN_DIR), files, used);
        return match(layers, byIdxName, files);
    }

    /** The layers the chain file lists, base first, up to the first that cannot be used. */
    private static List<MultiPackIndex> chainLayers(Path dir, MidxFiles files, Set<Path> used) {
        List<MultiPackIndex> layers = new ArrayList<>();
        List<String> hashes = chainHashes(dir.resolve(CHAIN_FILE), files.format(), files::warn);
        if (hashes.size() > files.maxLayers()) {
            files.warn(dir.resolve(CHAIN_FILE) + ": multi-pack-index chain of " + hashes.size() + " layers, more than the limit of "
                    + files.maxLayers() + " (maxMidxLayers; the layers above are not used)");
            hashes = hashes.subList(0, files.maxLayers());
        }
        for (String h : hashes) {
            Path layer = layerPath(dir, h);
            used.add(layer);
            MultiPackIndex mi = files.get(layer);
            if (mi != null && !mi.checksumHex().equals(h)) {
                files.warn(layer + ": multi-pack-index checksum " + mi.checksumHex()
                        + " is not the one its chain names (chain ignored from here)");
                mi = null;
            }
            if (mi == null) {
                files.warn(dir.resolve(CHAIN_FILE) + ": unable to find all multi-pack index files");
                break;
            }
            layers.add(mi);
        }
        return layers;
    }

    /** Returns the file of the chain layer whose checksum is {@code hex}. */
    static Path layerPath(Path chainDir, String hex) {
        return chainDir.resolve("multi-pack-index-" + hex + ".midx");
    }

    /**
     * Reads a chain file as git does: one layer checksum (hex, any case) per line, base first, at
     * most one line per hex length + 1 bytes; a repeated or malformed line ends the list.
     *
     * @param warn receives what is wrong with the file
     * @return the checksums, lower case; empty if the file is absent, empty or unreadable
     */
    static List<String> chainHashes(Path chain, ObjectFormat format, Consumer<String> warn) {
        List<String> hashes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        byte[] text;
        try {
            long size = Files.size(chain);
            if (size > MAX_CHAIN_BYTES) {
                warn.accept(chain + ": multi-pack-index chain file too large (" + size + " bytes, ignored)");
                return hashes;
            }
            text = Files.readAllBytes(chain);
        } catch (NoSuchFileException e) {
            return hashes;
        } catch (IOException e) {
            warn.accept(chain + ": " + e.getMessage() + " (multi-pack-index chain ignored)");
            return hashes;
        }
        int hex = format.hexLength();
        if (text.length == 0) {
            return hashes; // an empty chain file counts as none, as in git
        }
        if (text.length < hex) {
            warn.accept(chain + ": multi-pack-index chain file too small");
            return hashes;
        }
        String[] lines = new String(text, StandardCharsets.ISO_8859_1).split("\n", -1);
        int max = text.length / (hex + 1);
        for (int i = 0; i < max && i < lines.length; i++) {
            String line = lines[i];
            if (line.length() < hex || !ObjectId.isHex(line.substring(0, hex))) {
                warn.accept(chain + ": invalid multi-pack-index chain: line '" + line + "' not a hash");
                break;
            }
            String h = line.substring(0, hex).toLowerCase(Locale.ROOT);
            if (!seen.add(h)) {
                warn.accept(chain + ": multi-pack-index chain lists " + h + " twice");
                break;
            }
            hashes.add(h);
        }
        return hashes;
    }

    /** Keeps the layers whose every pack is open here (base first, up to the first that is not). */
    private static MidxChain match(List<MultiPackIndex> layers, Map<String, PackFile> byIdxName, MidxFiles files) {
        List<MultiPackIndex> usable = new ArrayList<>();
        List<PackFile> packs = new ArrayList<>();
        long total = 0;
        layers:
        for (MultiPackIndex m : layers) {
            List<PackFile> mine = new ArrayList<>();
            for (int i = 0; i < m.packCount(); i++) {
                PackFile p = byIdxName.get(m.packName(i));
                if (p == null) {
                    break layers; // stale: names a pack that is gone (or not yet seen)
                }
                mine.add(p);
            }
            total += m.packCount();
            if (total > Integer.MAX_VALUE) {
                break;
            }
            usable.add(m);
            packs.addAll(mine);
        }
        return usable.isEmpty() ? null : new MidxChain(usable, packs, files);
    }

    /**
     * Returns where the chain locates {@code id}: the newest layer in use holding it, confirmed by
     * the pack's index (else where {@code fallback} finds it); if no layer holds it, and once
     * their content is checked, the first pack of a layer cut off holding it; else null.
     */
    ObjectLocation find(ObjectId id, Fallback fallback) throws CorruptPackException {
        for (int pass = 0; ; pass++) {
            int u = usable;
            for (int l = u - 1; l >= 0; l--) {
                int pos = layers[l].findPosition(id);
                if (pos >= 0) {
                    return locate(l, pos, id, fallback);
                }
            }
            if (checked || pass > 0) {
                break;
            }
            check(); // an absent id is only believed from checked layers; the usable ones may change
        }
        int first = packBase.length == usable ? packs.length : packBase[usable];
        for (int g = first; g < packs.length; g++) {
            long off = packs[g].index.findOffset(id);
            if (off >= 0) {
                return new ObjectLocation(id, packs[g], off);
            }
        }
        return null;
    }

    /** Checks the content of the layers in use, once; the first failing one and those above it are cut off. */
    private synchronized void check() {
        if (checked) {
            return;
        }
        for (int l = 0; l < usable; l++) {
            CorruptPackException e = layers[l].contentProblem();
            if (e != null) {
                usable = l;
                if (layers[l].claimReport()) {
                    files.warn(e.getMessage() + " (multi-pack-index ignored"
                            + (layers.length > 1 ? ", with the layers above it" : "") + ")");
                }
                break;
            }
        }
        checked = true;
    }

    /** The {@code pos}-th object of layer {@code l}, confirmed by its pack's index, else {@code fallback}'s. */
    private ObjectLocation locate(int l, int pos, ObjectId id, Fallback fallback) throws CorruptPackException {
        MultiPackIndex m = layers[l];
        int pack = m.packAt(pos);
        long off = m.offsetAt(pos);
        PackFile p = pack >= 0 && pack < m.packCount() ? packs[packBase[l] + pack] : null;
        int there = p == null ? -1 : p.index.findPosition(id);
        if (there >= 0 && off >= 0 && p.index.offsetAt(there) == off) {
            return new ObjectLocation(id, p, off);
        }
        if (mismatchReported.compareAndSet(false, true)) {
            files.warn(m.path() + ": multi-pack-index puts " + id.name() + " at offset " + off + " of pack "
                    + Integer.toUnsignedString(pack) + (p == null ? "" : " (" + p.indexPath().getFileName() + ")")
                    + ", whose index does not (such objects are looked up in every pack)");
        }
        return fallback.locate(id);
    }

    /** Adds to {@code out} up to {@code limit} ids starting with {@code hexPrefix} (see {@link IdTable#resolve}). */
    void resolve(String hexPrefix, List<ObjectId> out, int limit) {
        check();
        for (int l = 0; l < usable; l++) {
            layers[l].resolve(hexPrefix, out, limit);
        }
        for (PackFile p : cutPacks()) {
            p.index.resolve(hexPrefix, out, limit);
        }
    }

    /** Returns every pack the chain names, by global pack number (a pack named twice is listed twice). */
    List<PackFile> allPacks() {
        return List.of(packs);
    }

    /** Returns the packs of the layers in use, once their content is checked. */
    List<PackFile> usablePacks() {
        check();
        int u = usable;
        return List.of(packs).subList(0, u == packBase.length ? packs.length : packBase[u]);
    }

    /** Returns the packs of the layers cut off by a failed content check (searched one by one). */
    List<PackFile> cutPacks() {
        check();
        int u = usable;
        return List.of(packs).subList(u == packBase.length ? packs.length : packBase[u], packs.length);
    }

    /**
     * Returns the layers in use as sorted runs of located ids, newest first (the order lookups
     * prefer, locations confirmed as {@link #find}'s are), then the packs cut off; content checked.
     */
    List<IdOrderMerge.Run> runs(Fallback fallback) {
        check();
        List<IdOrderMerge.Run> runs = new ArrayList<>();
        for (int l = usable - 1; l >= 0; l--) {
            MultiPackIndex m = layers[l];
            int layer = l;
            runs.add(new IdOrderMerge.Run() {
                @Override
                public int size() {
                    return m.objectCount();
                }

                @Override
                public ObjectId idAt(int n) {
                    return m.idAt(n);
                }

                @Override
                public ObjectLocation locationAt(int n, ObjectId id) throws CorruptPackException {
                    return locate(layer, n, id, fallback);
                }
            });
        }
        for (PackFile p : cutPacks()) {
            runs.add(new IdOrderMerge.PackRun(p));
        }
        return runs;
    }

    /** Returns the layers in use, base first (their content checked or not yet). */
    List<MultiPackIndex> layers() {
        return List.of(layers).subList(0, usable);
    }

    @Override
    public String toString() {
        return "MidxChain[" + layers.length + " layer(s), " + packs.length + " packs]";
    }
}
