package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        this.emptyTree = db.format().emptyTreeId();
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
        write(name, id, null, rest);
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
     * Writes one object found by name or by a bulk iteration: its header line and (for --batch)
     * content and newline. A packed location is read where it is; without one the object is
     * looked up by id, where git's built-in empty tree comes first.
     *
     * @param where where a bulk iteration found the object in a pack, or null
     */
    private void write(String name, ObjectId id, ObjectLocation where, String rest) throws IOException {
        boolean packed = where != null && where.isPacked();
        if (!packed) {
            where = ObjectLocation.loose(id); // read by id: the reader looks in the packs first
        }
        ObjectType type;
        long size = 0;
        long disk = 0;
        ObjectId base = zero;
        ObjectLoader loaded = null;
        try {
            if (!packed && id.equals(emptyTree)) {
                type = ObjectType.TREE; // git's built-in object: size 0, disk size 0, no base, no content
            } else if (contents) {
                loaded = reader.open(where);
                type = loaded.type();
                size = loaded.size();
                if (fmt.needsDisk || fmt.needsBase) {
                    ObjectInfo info = reader.info(where);
                    disk = info.diskSize();
                    base = info.deltaBase();
                }
            } else if (fmt.needsDisk || fmt.needsBase || packed) {
                ObjectInfo info = reader.info(where);
                type = info.type();
                size = info.size();
                disk = info.diskSize();
                base = info.deltaBase();
            } else if (fmt.needsType || fmt.needsSize) {
                ObjectHeader h = reader.header(id);
                type = h.type();
                size = h.size();
            } else {
                if (name != null && !reader.has(id)) {
                    throw new MissingObjectException(id);
                }
                type = null;
            }
        } catch (MissingObjectException e) {
            missing(name != null ? name : id.name());
            return;
        }
        writeLine(id, type, size, disk, base, rest, loaded);
    }

    /** Writes one object whose info is known (the pack-order path). */
    private void writeLine(ObjectId id, ObjectType type, long size, long disk, ObjectId base, String rest,
                           ObjectLoader loaded) throws IOException {
        fmt.write(out, id, type, size, disk, base, rest);
        if (contents) {
            if (loaded != null) {
                CatFileCommand.copy(loaded, out);
            }
            out.write('\n');
        }
    }

    /**
     * --batch-all-objects: every object once, in id order, read where the database's id-order
     * iteration found it (no lookup by id again).
     */
    private void ordered() throws IOException {
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        db.forEachObject(where -> {
            write(null, where.id(), where.id().equals(emptyTree) ? null : where, null);
            progress.tick();
        });
        progress.done();
    }

    private long approximateCount() {
        long n = 0;
        for (PackFile p : db.packs()) {
            n += p.objectCount();
        }
        return n;
    }

    /** --unordered: loose objects (directory order), then each pack in git's pack order and offset order. */
    private void unordered() throws IOException {
        List<ObjectId> loose = new ArrayList<>();
        db.forEachLooseId(loose::add);
        List<PackFile> packs = db.packsInGitOrder();
        boolean dedupe = packs.size() + (loose.isEmpty() ? 0 : 1) > 1;
        Set<ObjectId> seen = dedupe ? new HashSet<>() : null;
        for (ObjectId id : loose) {
            if (seen == null || seen.add(id)) {
                write(null, id, null, null);
            }
        }
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        for (PackFile p : packs) {
            reader.walkPackInfo(p, 0, p.objectCount(), (where, info) -> {
                if (seen == null || seen.add(where.id())) {
                    ObjectLoader loaded = contents ? reader.open(where) : null;
                    writeLine(where.id(), info.type(), info.size(), info.diskSize(), info.deltaBase(), null, loaded);
                }
                progress.tick();
            });
        }
        progress.done();
    }
}
