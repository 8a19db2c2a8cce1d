package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.CorruptPackException;
import io.github.smmap4j.pack.MissingObjectException;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectListing;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.PackEntryInfo;
import io.github.smmap4j.pack.PackFile;
import io.github.smmap4j.pack.PromisorObjects;
import io.github.smmap4j.pack.Revision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code cat-file --batch} / {@code --batch-check}: ids from stdin ({@link BatchInput}), or every
 * object in id order ({@code --batch-all-objects}) or in git's pack order ({@code --unordered}),
 * each printed by a {@link BatchWriter}; and {@code --batch-command} ({@link #commands()}).
 * Flushes after each object only where git does (stdin-driven and not {@code --buffer}).
 */
final class CatFileBatch {
    private final ObjectDatabase db;
    private final Cli cli;
    private final BatchFormat fmt;
    private final boolean buffered;
    private final boolean nul;
    private final boolean followSymlinks;
    private final ObjectReader reader;
    private final BatchWriter writer;
    private final Revision revision;
    private final PromisorObjects promisor;

    /** @param followSymlinks {@code --follow-symlinks}: names on stdin follow symlinks inside trees */
    CatFileBatch(ObjectDatabase db, Revision revision, Cli cli, BatchFormat fmt, boolean contents, boolean buffered,
                 boolean nul, boolean followSymlinks) throws IOException {
        this.db = db;
        this.cli = cli;
        this.fmt = fmt;
        this.buffered = buffered;
        this.nul = nul;
        this.followSymlinks = followSymlinks;
        this.reader = db.newReader();
        this.revision = revision;
        this.promisor = PromisorObjects.read(db);
        this.writer = newWriter(contents);
    }

    private BatchWriter newWriter(boolean contents) {
        return new BatchWriter(reader, db.format(), cli.out(), fmt, contents)
                .readingAs(revision.replaceRefs(), cli.err(), db.packErrors()).promising(promisor);
    }

    int run(boolean all, boolean unordered) throws IOException {
        try {
            if (all && promisor.hasRemote()) {
                cli.err().println("warning: This repository uses promisor remotes. Some objects may not be loaded.");
            }
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
        BatchInput input = new BatchInput(cli.in(), nul, fmt.splitRest, cap("SMMAP4J_BATCH_MAX_LINE", BatchInput.MAX_LINE));
        for (BatchInput.Line line = input.next(); line != null; line = input.next()) {
            one(writer, line.name(), line.rest());
            if (!buffered) {
                writer.flush();
            }
        }
    }

    /**
     * A cap on batch input from the environment ({@code SMMAP4J_BATCH_MAX_LINE},
     * {@code SMMAP4J_BATCH_MAX_QUEUED}: a size such as {@code 4096} or {@code 64k}, 1 byte to
     * 1 GiB), else {@code dflt}.
     */
    private int cap(String variable, int dflt) {
        String v = cli.env().get(variable);
        if (v == null) {
            return dflt;
        }
        long n = Args.size(variable, v);
        if (n < 1 || n > 1 << 30) {
            throw CliException.fatal("bad size for " + variable + ": '" + v + "' (1 byte to 1g)");
        }
        return (int) n;
    }

    /**
     * {@code --batch-command}: commands from stdin ({@link BatchCommands}), {@code info} printed as
     * {@code --batch-check} prints, {@code contents} as {@code --batch} does, with the same format.
     */
    int commands() throws IOException {
        BatchWriter info = newWriter(false);
        BatchWriter contents = newWriter(true);
        try {
            BatchInput input = new BatchInput(cli.in(), nul, false, cap("SMMAP4J_BATCH_MAX_LINE", BatchInput.MAX_LINE));
            new BatchCommands(input, buffered, new BatchCommands.Executor() {
                @Override
                public void run(boolean withContents, String name) throws IOException {
                    one(withContents ? contents : info, name, null);
                }

                @Override
                public void flush() throws IOException {
                    writer.flush();
                }
            }, cap("SMMAP4J_BATCH_MAX_QUEUED", BatchCommands.MAX_QUEUED)).run();
        } finally {
            reader.close();
        }
        return 0;
    }

    /**
     * One name from stdin: a full hex id as it is, any other name resolved as git's get_oid does.
     * The name's bytes (one char each) are read as UTF-8 for the lookup, as git's byte-wise
     * comparisons see them (bytes that are not UTF-8 name nothing here). With
     * {@code --follow-symlinks}, git's records for a symlink outside the tree, a dangling one,
     * a loop and a file used as a directory.
     */
    private void one(BatchWriter w, String name, String rest) throws IOException {
        ObjectId id;
        if (ObjectId.isHex(name) && name.length() == db.format().hexLength()) {
            id = ObjectId.fromHex(name);
        } else {
            Revision.Result r = CatFileCommand.resolve(revision, utf8(name), followSymlinks);
            byte[] raw = name.getBytes(StandardCharsets.ISO_8859_1);
            switch (r.status()) {
                case FOUND -> id = r.id();
                case AMBIGUOUS -> {
                    w.ambiguous(name);
                    return;
                }
                case DANGLING_SYMLINK -> {
                    w.symlinkRecord("dangling", raw.length, raw);
                    return;
                }
                case SYMLINK_LOOP -> {
                    w.symlinkRecord("loop", raw.length, raw);
                    return;
                }
                case NOT_DIR -> {
                    w.symlinkRecord("notdir", raw.length, raw);
                    return;
                }
                case OUTSIDE_TREE -> {
                    byte[] path = r.symlinkPath(); // git prints its length, then it as a C string
                    int z = 0;
                    while (z < path.length && path[z] != 0) {
                        z++;
                    }
                    w.symlinkRecord("symlink", path.length, Arrays.copyOf(path, z));
                    return;
                }
                default -> {
                    w.missing(name);
                    return;
                }
            }
        }
        w.object(name, id, null, rest);
    }

    /**
     * The bytes of {@code iso} (one per char) decoded as UTF-8; bytes that are not UTF-8 become
     * U+FFFD, which no ref or tree entry name of ours matches (so they name nothing), while the
     * syntax around them (a relative path git dies on, suffixes) is still read as git reads it.
     */
    private static String utf8(String iso) {
        for (int i = 0; i < iso.length(); i++) {
            if (iso.charAt(i) >= 0x80) {
                return new String(iso.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return iso; // ASCII: the same either way
    }

    /**
     * --batch-all-objects: every object once, in id order, read where the database's id-order
     * iteration found it (no lookup by id again).
     */
    private void ordered() throws IOException {
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        db.forEachObject(where -> {
            writer.object(null, where.id(), writer.isEmptyTree(where.id()) ? null : where, null);
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

    /**
     * --unordered: loose objects (directory order), then each pack in git's pack order and offset
     * order, read by the pack-order engines: the content walk for {@code --batch} (unless the
     * format needs a size on disk or a delta base), the info walk otherwise.
     */
    private void unordered() throws IOException {
        ObjectListing listing = db.listObjects(); // complete while git repacks underneath
        List<ObjectId> loose = listing.looseIds();
        List<PackFile> packs = listing.packs();
        boolean dedupe = packs.size() + (loose.isEmpty() ? 0 : 1) > 1;
        Set<ObjectId> seen = dedupe ? new HashSet<>() : null;
        for (ObjectId id : loose) {
            if (seen == null || seen.add(id)) {
                writer.object(null, id, null, null);
            }
        }
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        for (PackFile p : packs) {
            int done = writer.walksContents() ? contentWalk(p, seen, progress) : 0;
            reader.walkPackInfo(p, done, p.objectCount(), new ObjectReader.PackInfoVisitor() {
                @Override
                public void visit(PackEntryInfo e) throws IOException {
                    if (seen == null || seen.add(e.id())) {
                        writer.packed(e);
                    }
                    progress.tick();
                }

                @Override
                public void damaged(ObjectId id, IOException error) throws IOException {
                    // git marks the id seen, then finds no type or size in this entry: missing
                    if (!(error instanceof CorruptPackException c) || writer.ofUnusablePack(c)) {
                        throw error; // a pack that does not match its index: git's walk dies too
                    }
                    if (seen == null || seen.add(id)) {
                        if (writer.needsInfo()) {
                            writer.missingAfter(id.name(), id, c);
                        } else {
                            writer.object(null, id, null, null); // %(objectname) alone: git reads nothing of it
                        }
                    }
                    progress.tick();
                }
            });
        }
        progress.done();
    }

    /**
     * --batch: the pack-order content walk (each base inflated once) over {@code p}; returns how
     * many entries it wrote: all, or those before the first that it cannot read (damaged, or
     * on a damaged base), which the caller writes on from one by one as git does.
     */
    private int contentWalk(PackFile p, Set<ObjectId> seen, Progress progress) throws IOException {
        int[] done = {0};
        boolean[] writing = {false};
        try {
            reader.walkPackOrder(p, 0, p.objectCount(), (id, type, size, data, large) -> {
                writing[0] = true;
                if (seen == null || seen.add(id)) {
                    writer.content(id, type, size, data, large);
                } else if (large != null) {
                    large.close();
                }
                writing[0] = false;
                done[0]++;
                progress.tick();
            });
        } catch (CorruptPackException | MissingObjectException damaged) {
            if (writing[0]) {
                throw damaged; // a streamed object failed half written: nothing to take back
            }
        }
        return done[0];
    }
}
