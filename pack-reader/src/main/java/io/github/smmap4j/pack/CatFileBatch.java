package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cat-file --batch} / {@code --batch-check}: ids from stdin, or every object in id order
 * ({@code --batch-all-objects}) or in git's pack order ({@code --unordered}). Flushes after each
 * object only where git does (stdin-driven and not {@code --buffer}).
 */
final class CatFileBatch {
    private final ObjectDatabase db;
    private final Cli cli;
    private final OutputStream out;
    private final BatchFormat fmt;
    private final boolean contents;
    private final boolean buffered;
    private final boolean nul;
    private final ObjectReader reader;
    private final ObjectId zero;
    private final ObjectId emptyTree;
    private final Revision revision;
    private final Map<PackFile, byte[]> types = new HashMap<>();
    private final byte[] sizeHead = new byte[20];
    private int[] chain = new int[64];
    private final byte[] missing = " missing\n".getBytes(StandardCharsets.US_ASCII);

    CatFileBatch(ObjectDatabase db, Cli cli, BatchFormat fmt, boolean contents, boolean buffered, boolean nul) {
        this.db = db;
        this.cli = cli;
        this.out = cli.out();
        this.fmt = fmt;
        this.contents = contents;
        this.buffered = buffered;
        this.nul = nul;
        this.reader = db.newReader();
        this.zero = db.format().zeroId();
        this.emptyTree = CatFileCommand.emptyTree(db.format());
        this.revision = new Revision(db);
    }

    int run(boolean all, boolean unordered) throws IOException {
        try {
            if (!all) {
                fromStdin();
            } else if (unordered) {
                unordered();
            } else {
                ordered();
            }
        } finally {
            reader.close();
        }
        return 0;
    }

    private void fromStdin() throws IOException {
        InputStream in = cli.in();
        byte[] buf = new byte[1 << 16];
        int len = 0;
        int pos = 0;
        byte term = nul ? (byte) 0 : (byte) '\n';
        byte[] line = new byte[256];
        int ll = 0;
        boolean eof = false;
        while (true) {
            if (pos == len) {
                if (eof) {
                    break;
                }
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    eof = true;
                    if (ll == 0) {
                        break;
                    }
                } else {
                    continue;
                }
            } else {
                byte b = buf[pos++];
                if (b != term) {
                    if (ll == line.length) {
                        line = java.util.Arrays.copyOf(line, ll * 2);
                    }
                    line[ll++] = b;
                    continue;
                }
            }
            handleLine(new String(line, 0, ll, StandardCharsets.ISO_8859_1));
            ll = 0;
        }
    }

    private void handleLine(String s) throws IOException {
        if (!nul && s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        String name = s;
        String rest = null;
        if (fmt.splitRest) {
            int sp = indexOfBlank(s);
            if (sp >= 0) {
                name = s.substring(0, sp);
                int r = sp;
                while (r < s.length() && (s.charAt(r) == ' ' || s.charAt(r) == '\t')) {
                    r++;
                }
                rest = s.substring(r);
            }
        }
        one(name, rest);
        if (!buffered) {
            out.flush();
        }
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private void one(String name, String rest) throws IOException {
        ObjectId id;
        if (ObjectId.isHex(name) && name.length() == db.format().hexLength()) {
            id = ObjectId.fromHex(name);
        } else {
            Revision.Result r = revision.resolve(name);
            if (r.status() == Revision.Status.AMBIGUOUS) {
                out.write((name + " ambiguous\n").getBytes(StandardCharsets.ISO_8859_1));
                flushAlways();
                return;
            } else if (r.status() == Revision.Status.MISSING) {
                missing(name);
                return;
            }
            id = r.id();
        }
        write(name, id, rest, null, 0, -1);
    }

    private void missing(String name) throws IOException {
        out.write(name.getBytes(StandardCharsets.ISO_8859_1));
        out.write(missing);
        flushAlways();
    }

    /** git prints "missing"/"ambiguous" with printf + fflush even in --buffer mode. */
    private void flushAlways() throws IOException {
        out.flush();
    }

    /**
     * Writes one object: its header line and (for --batch) content and newline.
     *
     * @param pack  if not null, the entry at {@code offset} is used (the pack-order path)
     * @param rank  the entry's rank in the pack's offset order (with {@code pack})
     */
    private void write(String name, ObjectId id, String rest, PackFile pack, long offset, int rank) throws IOException {
        ObjectType type = null;
        long size = 0;
        long disk = 0;
        ObjectId base = zero;
        ObjectLoader loaded = null;
        if (pack == null && !id.equals(emptyTree)) {
            // Packs first, in the reader's order (as ObjectReader does); loose objects and
            // rescans are left to the reader below.
            for (PackFile p : db.packArray()) {
                int pos = p.index.findPosition(id);
                if (pos >= 0) {
                    pack = p;
                    offset = p.index.offsetAt(pos);
                    rank = p.reverseIndex().rankOf(offset);
                    break;
                }
            }
        }
        try {
            if (pack != null) {
                if (contents) {
                    loaded = reader.openAt(pack, offset, id);
                    type = loaded.type();
                    size = loaded.size();
                } else if (fmt.needsType || fmt.needsSize) {
                    type = typeAt(pack, rank, offset);
                    size = sizeAt(pack, offset);
                }
                if (fmt.needsDisk || fmt.needsBase) {
                    ReverseIndex rev = pack.reverseIndex();
                    disk = rev.packedLength(rank);
                    if (fmt.needsBase) {
                        pack.parseHeader(reader.ctx, offset);
                        if (reader.ctx.typeCode == ObjectType.REF_DELTA) {
                            base = ObjectId.fromRaw(reader.ctx.baseId, 0, db.format().length());
                        } else if (reader.ctx.typeCode == ObjectType.OFS_DELTA) {
                            base = pack.index.idAt(rev.positionAt(rev.rankOf(reader.ctx.baseOffset)));
                        }
                    }
                }
            } else if (id.equals(emptyTree)) {
                type = ObjectType.TREE; // git's built-in object: size 0, disk size 0, no base, no content
            } else if (contents) {
                loaded = reader.open(id);
                type = loaded.type();
                size = loaded.size();
                if (fmt.needsDisk || fmt.needsBase) {
                    ObjectInfo info = reader.info(id);
                    disk = info.diskSize();
                    base = info.deltaBase();
                }
            } else if (fmt.needsDisk || fmt.needsBase) {
                ObjectInfo info = reader.info(id);
                type = info.type();
                size = info.size();
                disk = info.diskSize();
                base = info.deltaBase();
            } else if (fmt.needsType || fmt.needsSize) {
                ObjectHeader h = reader.header(id);
                type = h.type();
                size = h.size();
            } else if (name != null && !reader.has(id)) {
                throw new MissingObjectException(id);
            }
        } catch (MissingObjectException e) {
            missing(name != null ? name : id.name());
            return;
        }
        fmt.write(out, id, type, size, disk, base, rest);
        if (contents) {
            if (loaded != null) {
                CatFileCommand.copy(loaded, out);
            }
            out.write('\n');
        }
    }

    /**
     * --batch-all-objects: every object once, in id order. Packs are walked by index position
     * (merged with the sorted loose ids), so no id is looked up again; an id in several places
     * is taken from the first pack holding it, else from the loose objects, as {@link ObjectReader#info} does.
     */
    private void ordered() throws IOException {
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        PackFile[] ps = db.packArray();
        List<ObjectId> loose = new ArrayList<>();
        db.forEachLooseId(loose::add);
        loose.sort(null);
        int[] next = new int[ps.length];
        ObjectId[] head = new ObjectId[ps.length];
        for (int i = 0; i < ps.length; i++) {
            head[i] = ps[i].objectCount() > 0 ? ps[i].index.idAt(0) : null;
        }
        int li = 0;
        while (true) {
            ObjectId min = li < loose.size() ? loose.get(li) : null;
            int from = -1;
            for (int i = 0; i < head.length; i++) {
                ObjectId h = head[i];
                if (h != null && (min == null || h.compareTo(min) < 0 || (from < 0 && h.equals(min)))) {
                    min = h;
                    from = i;
                }
            }
            if (min == null) {
                break;
            }
            if (from < 0 || min.equals(emptyTree)) {
                write(null, min, null, null, 0, -1);
            } else {
                PackFile p = ps[from];
                long offset = p.index.offsetAt(next[from]);
                write(null, min, null, p, offset, p.reverseIndex().rankOf(offset));
            }
            progress.tick();
            for (int i = 0; i < ps.length; i++) {
                if (min.equals(head[i])) {
                    next[i]++;
                    head[i] = next[i] < ps[i].objectCount() ? ps[i].index.idAt(next[i]) : null;
                }
            }
            while (li < loose.size() && loose.get(li).equals(min)) {
                li++;
            }
        }
        progress.done();
    }

    /** Resolved type of the entry at {@code rank}: each pack's types are memoised, so a delta chain is walked once. */
    private ObjectType typeAt(PackFile pack, int rank, long offset) throws IOException {
        byte[] t = types.computeIfAbsent(pack, p -> new byte[p.objectCount()]);
        if (t[rank] != 0) {
            return ObjectType.fromCode(t[rank]);
        }
        ReverseIndex rev = pack.reverseIndex();
        ReadContext ctx = reader.ctx;
        int len = 0;
        int cur = rank;
        long curOff = offset;
        byte found = 0;
        while (t[cur] == 0) {
            pack.parseHeader(ctx, curOff);
            if (!ObjectReader.isDelta(ctx.typeCode)) {
                found = (byte) ctx.typeCode;
                break;
            }
            if (len == chain.length) {
                chain = java.util.Arrays.copyOf(chain, len * 2);
            }
            chain[len++] = cur;
            if (len > t.length) {
                throw new CorruptPackException(pack.packPath, offset, "delta chain is cyclic");
            }
            long baseOff;
            if (ctx.typeCode == ObjectType.OFS_DELTA) {
                baseOff = ctx.baseOffset;
            } else {
                ObjectId baseId = ObjectId.fromRaw(ctx.baseId, 0, db.format().length());
                int pos = pack.index.findPosition(baseId);
                if (pos < 0) { // base in another pack or loose
                    found = (byte) reader.header(baseId).type().code();
                    break;
                }
                baseOff = pack.index.offsetAt(pos);
            }
            cur = rev.rankOf(baseOff);
            if (cur < 0) {
                throw new CorruptPackException(pack.packPath, curOff, "delta base offset " + baseOff + " is not an entry");
            }
            curOff = baseOff;
        }
        if (found == 0) {
            found = t[cur]; // reached an entry whose type is known
        } else {
            t[cur] = found;
        }
        for (int k = 0; k < len; k++) {
            t[chain[k]] = found;
        }
        return ObjectType.fromCode(found);
    }

    /** Object size of the entry at {@code offset}: the header's, or for a delta its result size. */
    private long sizeAt(PackFile pack, long offset) throws IOException {
        ReadContext ctx = reader.ctx;
        pack.parseHeader(ctx, offset);
        if (!ObjectReader.isDelta(ctx.typeCode)) {
            return ctx.size;
        }
        int n = (int) Math.min(ctx.size, sizeHead.length);
        pack.inflatePrefix(ctx, offset, ctx.dataOffset, sizeHead, n);
        return Delta.resultSize(sizeHead, n, pack.packPath, offset);
    }

    private long approximateCount() {
        long n = 0;
        for (PackFile p : db.packArray()) {
            n += p.objectCount();
        }
        return n;
    }

    /** --unordered: loose objects (directory order), then each pack in git's pack order and offset order. */
    private void unordered() throws IOException {
        List<ObjectId> loose = looseInReaddirOrder();
        List<PackFile> packs = gitPackOrder();
        boolean dedupe = packs.size() + (loose.isEmpty() ? 0 : 1) > 1;
        Set<ObjectId> seen = dedupe ? new HashSet<>() : null;
        for (ObjectId id : loose) {
            if (seen == null || seen.add(id)) {
                write(null, id, null, null, 0, -1);
            }
        }
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        for (PackFile p : packs) {
            ReverseIndex rev = p.reverseIndex();
            for (int i = 0; i < rev.size(); i++) {
                ObjectId id = p.index.idAt(rev.positionAt(i));
                if (seen == null || seen.add(id)) {
                    write(null, id, null, p, rev.offsetAt(i), i);
                }
                progress.tick();
            }
        }
        progress.done();
    }

    /** Loose ids as git's for_each_loose_object meets them: object dirs in order, 00..ff, readdir order. */
    private List<ObjectId> looseInReaddirOrder() throws IOException {
        List<ObjectId> ids = new ArrayList<>();
        int want = db.format().hexLength() - 2;
        for (Path dir : db.objectDirectories()) {
            for (int b = 0; b < 256; b++) {
                String sub = String.format("%02x", b);
                Path d = dir.resolve(sub);
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                    for (Path f : ds) {
                        String n = f.getFileName().toString();
                        if (n.length() == want && ObjectId.isHex(n)) {
                            ids.add(ObjectId.fromHex(sub + n));
                        }
                    }
                }
            }
        }
        return ids;
    }

    /**
     * The packs in git's order (packfile.c): each object directory's packs as readdir lists their
     * .idx files, each one put at the head of the list, then a stable sort: local packs first,
     * then newest .pack mtime (seconds) first.
     */
    private List<PackFile> gitPackOrder() throws IOException {
        Map<Path, PackFile> byIdx = new HashMap<>();
        for (PackFile p : db.packArray()) {
            byIdx.put(p.index.path().toAbsolutePath().normalize(), p);
        }
        List<PackFile> list = new ArrayList<>();
        Map<PackFile, long[]> key = new HashMap<>();
        List<Path> dirs = db.objectDirectories();
        for (int k = 0; k < dirs.size(); k++) {
            Path packDir = dirs.get(k).resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir)) {
                for (Path f : ds) {
                    PackFile p = byIdx.remove(f.toAbsolutePath().normalize());
                    if (p != null) {
                        list.addFirst(p);
                        long mtime = Files.getLastModifiedTime(p.packPath()).toMillis() / 1000;
                        key.put(p, new long[] {k == 0 ? 1 : 0, mtime});
                    }
                }
            }
        }
        for (PackFile p : byIdx.values()) { // not seen by the listing (raced): keep them, last
            list.addLast(p);
            key.put(p, new long[] {0, 0});
        }
        list.sort(Comparator.<PackFile>comparingLong(p -> -key.get(p)[0]).thenComparingLong(p -> -key.get(p)[1]));
        return list;
    }
}
