package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.PackFile;
import io.github.smmap4j.pack.Revision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code cat-file --batch} / {@code --batch-check}: ids from stdin ({@link BatchInput}), or every
 * object in id order ({@code --batch-all-objects}) or in git's pack order ({@code --unordered}),
 * each printed by a {@link BatchWriter}. Flushes after each object only where git does
 * (stdin-driven and not {@code --buffer}).
 */
final class CatFileBatch {
    private final ObjectDatabase db;
    private final Cli cli;
    private final BatchFormat fmt;
    private final boolean buffered;
    private final boolean nul;
    private final ObjectReader reader;
    private final BatchWriter writer;
    private final Revision revision;

    CatFileBatch(ObjectDatabase db, Revision revision, Cli cli, BatchFormat fmt, boolean contents, boolean buffered,
                 boolean nul) {
        this.db = db;
        this.cli = cli;
        this.fmt = fmt;
        this.buffered = buffered;
        this.nul = nul;
        this.reader = db.newReader();
        this.writer = new BatchWriter(reader, db.format(), cli.out(), fmt, contents)
                .readingAs(revision.replaceRefs(), cli.err(), db.packErrors());
        this.revision = revision;
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
        BatchInput input = new BatchInput(cli.in(), nul, fmt.splitRest);
        for (BatchInput.Line line = input.next(); line != null; line = input.next()) {
            one(line.name(), line.rest());
            if (!buffered) {
                writer.flush();
            }
        }
    }

    /** One stdin line: a full hex id as it is, any other name resolved as git's get_oid does. */
    private void one(String name, String rest) throws IOException {
        ObjectId id;
        if (ObjectId.isHex(name) && name.length() == db.format().hexLength()) {
            id = ObjectId.fromHex(name);
        } else {
            Revision.Result r = CatFileCommand.resolve(revision, name);
            if (r.status() == Revision.Status.AMBIGUOUS) {
                writer.ambiguous(name);
                return;
            } else if (r.status() == Revision.Status.MISSING) {
                writer.missing(name);
                return;
            }
            id = r.id();
        }
        writer.object(name, id, null, rest);
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
        List<ObjectId> loose = new ArrayList<>();
        db.forEachLooseId(loose::add);
        List<PackFile> packs = db.packsInGitOrder();
        boolean dedupe = packs.size() + (loose.isEmpty() ? 0 : 1) > 1;
        Set<ObjectId> seen = dedupe ? new HashSet<>() : null;
        for (ObjectId id : loose) {
            if (seen == null || seen.add(id)) {
                writer.object(null, id, null, null);
            }
        }
        Progress progress = Progress.start(cli, "Objects", approximateCount());
        for (PackFile p : packs) {
            if (writer.walksContents()) { // --batch: the pack-order walk inflates each base once
                reader.walkPackOrder(p, 0, p.objectCount(), (id, type, size, data, large) -> {
                    if (seen == null || seen.add(id)) {
                        writer.content(id, type, size, data, large);
                    } else if (large != null) {
                        large.close();
                    }
                    progress.tick();
                });
            } else {
                reader.walkPackInfo(p, 0, p.objectCount(), e -> {
                    if (seen == null || seen.add(e.id())) {
                        writer.packed(e);
                    }
                    progress.tick();
                });
            }
        }
        progress.done();
    }
}
