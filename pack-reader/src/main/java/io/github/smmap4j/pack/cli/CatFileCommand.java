package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.CorruptPackException;
import io.github.smmap4j.pack.MissingObjectException;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectHeader;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectLoader;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.ObjectType;
import io.github.smmap4j.pack.PromisorObjects;
import io.github.smmap4j.pack.ReplaceRefs;
import io.github.smmap4j.pack.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code cat-file}: {@code -t}, {@code -s}, {@code -e}, {@code -p} and {@code <type> <object>}
 * for one object, or the batch modes (handed to {@link CatFileBatch}); output as git 2.39's,
 * plus git 2.41's {@code -Z}.
 */
final class CatFileCommand {
    static final String USAGE = """
            usage: smmap4j cat-file [<repo options>] <type> <object>
               or: smmap4j cat-file [<repo options>] (-e | -p | -t | -s) <object>
               or: smmap4j cat-file [<repo options>] (--batch | --batch-check | --batch-command)[=<format>]
                                    [--batch-all-objects] [--unordered] [--buffer] [--follow-symlinks] [-z | -Z]

                -e                    exit with zero status if <object> exists and is valid
                -p                    pretty-print <object> content (trees as 'ls-tree' does)
                -t                    show object type
                -s                    show object size
                --batch[=<format>]    for each id on stdin: header line and content
                --batch-check[=<format>]
                                      for each id on stdin: header line only
                --batch-command[=<format>]
                                      commands on stdin: 'contents <object>', 'info <object>',
                                      'flush' (with --buffer: run what is queued)
                --batch-all-objects   batch every object of the repository (id order)
                --unordered           with --batch-all-objects: pack order, the fast path
                --buffer              buffer output (no flush per object; --batch-command:
                                      run commands at 'flush' or at the end of input)
                --follow-symlinks     follow symlinks inside the tree of a <tree-ish>:<path> name
                -z                    stdin is NUL-terminated
                -Z                    stdin and stdout are NUL-terminated
                -h, --help            show this help

            <object> is a full object id or a unique abbreviation (at least 4 hex digits).
            A batch input line may hold at most 1 MiB.
            <format> atoms: %(objectname) %(objecttype) %(objectsize) %(objectsize:disk)
                            %(deltabase) %(rest)

            """ + RepoOptions.HELP;

    private CatFileCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        try (RepoOptions repo = new RepoOptions(cli)) {
            char mode = 0;
            String batch = null;
            String batchFormat = null;
            boolean allObjects = false;
            boolean unordered = false;
            int buffer = -1;
            boolean nul = false;
            boolean nulOut = false;
            boolean follow = false;
            List<String> positional = new java.util.ArrayList<>();
            while (a.next()) {
                if (a.is("-h", "--help")) {
                    return Main.help(cli, USAGE, a);
                } else if (a.is("-t", "-s", "-e", "-p")) {
                    char m = a.current().charAt(1);
                    if (mode != 0 && mode != m) {
                        throw a.usageError("error: -" + m + " is incompatible with -" + mode);
                    }
                    mode = m;
                } else if (a.isOption() && (a.current().equals("--batch") || a.current().startsWith("--batch=")
                        || a.current().equals("--batch-check") || a.current().startsWith("--batch-check=")
                        || a.current().equals("--batch-command") || a.current().startsWith("--batch-command="))) {
                    if (batch != null) {
                        throw a.usageError("error: only one batch option may be specified");
                    }
                    String c = a.current();
                    int eq = c.indexOf('=');
                    batch = eq < 0 ? c.substring(2) : c.substring(2, eq);
                    batchFormat = eq < 0 ? null : c.substring(eq + 1);
                } else if (a.is("--batch-all-objects")) {
                    allObjects = true;
                } else if (a.is("--unordered")) {
                    unordered = true;
                } else if (a.is("--buffer")) {
                    buffer = 1;
                } else if (a.is("--no-buffer")) {
                    buffer = 0;
                } else if (a.is("-z")) {
                    nul = true;
                } else if (a.is("-Z")) {
                    nulOut = true;
                } else if (a.is("--follow-symlinks")) {
                    follow = true;
                } else if (a.is("--no-follow-symlinks")) {
                    follow = false;
                } else if (repo.accept(a)) {
                    // shared option
                } else if (a.isOption()) {
                    throw a.unknown();
                } else {
                    positional.add(a.current());
                }
            }
            if (batch == null) {
                if (allObjects) {
                    throw a.usageError("'--batch-all-objects' requires a batch mode");
                } else if (follow) {
                    throw a.usageError("'--follow-symlinks' requires a batch mode");
                } else if (buffer >= 0) {
                    throw a.usageError("'--buffer' requires a batch mode");
                } else if (nul) {
                    throw a.usageError("'-z' requires a batch mode");
                } else if (nulOut) {
                    throw a.usageError("'-Z' requires a batch mode");
                }
            } else {
                if (mode != 0) {
                    throw a.usageError("'-" + mode + "' is incompatible with batch mode");
                }
                if (!positional.isEmpty()) {
                    throw a.usageError("batch modes take no arguments");
                }
                boolean buffered = buffer < 0 ? allObjects : buffer == 1;
                // -Z (git 2.41+, documented in its git-cat-file.txt): "input and output is
                // NUL-delimited instead of newline-delimited"; "when -Z is passed, the line feeds in
                // any of the above examples are replaced with NUL terminators" (header lines, the
                // newline after contents, "<object> missing", "<object> ambiguous"). It wins over -z.
                BatchFormat fmt = new BatchFormat(batchFormat, nulOut ? 0 : (byte) '\n');
                // git's --batch-all-objects reads every object raw (it turns replace refs off)
                CatFileBatch b = new CatFileBatch(repo.open(), repo.revision(cli, !allObjects), cli, fmt,
                        batch.equals("batch"), buffered, nul || nulOut, follow);
                // --batch-command with --batch-all-objects is --batch-check of every object, as in git 2.39
                return batch.equals("batch-command") && !allObjects ? b.commands() : b.run(allObjects, unordered);
            }
            if (mode != 0) {
                if (positional.isEmpty()) {
                    throw a.usageError("<object> required with '-" + mode + "'");
                }
                if (positional.size() > 1) {
                    throw a.usageError("too many arguments");
                }
                return single(repo.open(), repo.revision(cli, true), cli, mode, null, positional.getFirst());
            }
            if (positional.isEmpty()) {
                throw CliException.usage(null, USAGE);
            }
            if (positional.size() != 2) {
                throw a.usageError("only two arguments allowed in <type> <object> mode, not " + positional.size());
            }
            return single(repo.open(), repo.revision(cli, true), cli, (char) 0, positional.get(0), positional.get(1));
        }
    }

    /** Resolves {@code name} with {@code revision}; where git dies on the name itself, dies with its message. */
    static Revision.Result resolve(Revision revision, String name) throws IOException {
        return resolve(revision, name, false);
    }

    /** {@link #resolve(Revision, String)}, with the symlinks of a {@code <tree-ish>:<path>} followed if asked. */
    static Revision.Result resolve(Revision revision, String name, boolean followSymlinks) throws IOException {
        try {
            return revision.resolve(name, followSymlinks);
        } catch (IllegalArgumentException e) {
            throw CliException.fatal(e.getMessage());
        }
    }

    /** Resolves an object name as git's get_oid does (see {@link Revision}); dies like git on failure. */
    static ObjectId resolveOrDie(Revision revision, String name, Cli cli) throws IOException {
        if (name.length() > 2 && name.startsWith(":/")) {
            // git resolves a single name "only to die": :/<text> is then an index path, not a message search
            throw CliException.fatal("Not a valid object name " + name);
        }
        Revision.Result r = resolve(revision, name);
        if (r.status() == Revision.Status.AMBIGUOUS) {
            cli.err().println("error: short object ID " + name + " is ambiguous");
        }
        if (r.status() != Revision.Status.FOUND) {
            throw CliException.fatal("Not a valid object name " + name);
        }
        return r.id();
    }

    /**
     * One object, read as git reads it: {@code -e} raw, the others (type, size, content, and
     * each step of {@code <type> <object>}'s peeling) through the replace refs.
     */
    private static int single(ObjectDatabase db, Revision revision, Cli cli, char mode, String expType, String name)
            throws IOException {
        ObjectId id = resolveOrDie(revision, name, cli);
        ReplaceRefs replace = revision.replaceRefs();
        OutputStream out = cli.out();
        if (id.equals(db.format().emptyTreeId())) {
            switch (mode) {
                case 'e', 'p' -> {
                    return 0;
                }
                case 't' -> out.write("tree\n".getBytes(StandardCharsets.US_ASCII));
                case 's' -> out.write("0\n".getBytes(StandardCharsets.US_ASCII));
                default -> {
                    if (!"tree".equals(expType)) {
                        throw CliException.fatal("git cat-file " + name + ": bad file");
                    }
                }
            }
            return 0;
        }
        switch (mode) {
            case 'e' -> {
                if (db.has(id)) {
                    return 0;
                }
                BatchWriter.dieIfPromised(PromisorObjects.read(db), id);
                return 1;
            }
            case 't', 's' -> {
                String s;
                try {
                    ObjectId target = replace.resolve(id);
                    if (mode == 't') {
                        s = db.header(target).type().typeName();
                    } else {
                        try (ObjectReader r = db.newReader()) {
                            s = Long.toString(r.size(target)); // no delta base read, as git's -s
                        }
                    }
                } catch (MissingObjectException e) {
                    BatchWriter.dieIfPromised(PromisorObjects.read(db), replace.resolve(id));
                    throw CliException.fatal("git cat-file: could not get object info");
                } catch (CorruptPackException e) { // no copy gives a type and size: git's error, then its die
                    cli.err().println("error: " + e.getMessage());
                    throw CliException.fatal("git cat-file: could not get object info");
                }
                out.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
                return 0;
            }
            case 'p' -> {
                ObjectLoader o;
                try {
                    o = db.open(replace.resolve(id));
                } catch (MissingObjectException e) {
                    BatchWriter.dieIfPromised(PromisorObjects.read(db), replace.resolve(id));
                    throw CliException.fatal("Not a valid object name " + name);
                } catch (CorruptPackException e) {
                    throw unreadable(db, replace.resolve(id), name, e, cli);
                }
                if (o.type() == ObjectType.TREE) {
                    TreePrinter.print(o.bytes(), db.format(), out);
                } else {
                    copy(o, out);
                }
                return 0;
            }
            default -> {
                return typed(db, replace, cli, expType, name, id);
            }
        }
    }

    /**
     * {@code -p} of an object no copy of which reads: as git, "Not a valid object name" when
     * not even its type is known, else "packed object X (stored in P) is corrupt"; the damage
     * itself reported first.
     */
    private static CliException unreadable(ObjectDatabase db, ObjectId id, String name, CorruptPackException e, Cli cli) {
        cli.err().println("error: " + e.getMessage());
        try {
            db.header(id);
        } catch (IOException noType) {
            return CliException.fatal("Not a valid object name " + name);
        }
        return BatchWriter.corruptObject(id, e);
    }

    /** {@code cat-file <type> <object>}: the object, or what it peels to (tag → object, commit → tree). */
    private static int typed(ObjectDatabase db, ReplaceRefs replace, Cli cli, String expType, String name, ObjectId id)
            throws IOException {
        ObjectType want = ObjectType.fromName(expType);
        if (want == null) {
            throw CliException.fatal("invalid object type \"" + expType + "\"");
        }
        ObjectLoader o;
        try {
            o = db.open(replace.resolve(id));
            for (int hops = 0; o.type() != want && hops < 64; hops++) {
                byte[] b = o.bytes();
                if (o.type() == ObjectType.TAG && b.length > 7 + db.format().hexLength()
                        && new String(b, 0, 7, StandardCharsets.US_ASCII).equals("object ")) {
                    o = db.open(replace.resolve(ObjectId.fromHex(new String(b, 7, db.format().hexLength(), StandardCharsets.US_ASCII))));
                } else if (o.type() == ObjectType.COMMIT && want == ObjectType.TREE && b.length > 5 + db.format().hexLength()
                        && new String(b, 0, 5, StandardCharsets.US_ASCII).equals("tree ")) {
                    o = db.open(replace.resolve(ObjectId.fromHex(new String(b, 5, db.format().hexLength(), StandardCharsets.US_ASCII))));
                } else {
                    throw CliException.fatal("git cat-file " + name + ": bad file");
                }
            }
        } catch (MissingObjectException e) {
            BatchWriter.dieIfPromised(PromisorObjects.read(db), e.id());
            throw CliException.fatal("git cat-file " + name + ": bad file");
        }
        if (o.type() != want) {
            throw CliException.fatal("git cat-file " + name + ": bad file");
        }
        copy(o, cli.out());
        return 0;
    }

    /** Writes an object's content, streaming large ones. */
    static void copy(ObjectLoader o, OutputStream out) throws IOException {
        if (o.isLarge()) {
            try (InputStream in = o.openStream()) {
                in.transferTo(out);
            }
        } else {
            out.write(o.bytes());
        }
    }
}
