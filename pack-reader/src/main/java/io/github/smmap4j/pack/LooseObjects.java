package io.github.smmap4j.pack;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The loose objects of a database's object directories (its own, then its alternates'): one
 * zlib-compressed file per object at {@code objects/xx/yyyy…}, holding {@code "<type> <size>\0"}
 * and the content. Small files, read with plain I/O, not mapped. An id found in several
 * directories is read from the first. Thread-safe (no state but the directories).
 */
final class LooseObjects {
    private final List<Path> dirs;
    private final ObjectFormat format;

    LooseObjects(List<Path> objectDirs, ObjectFormat format) {
        this.dirs = List.copyOf(objectDirs);
        this.format = format;
    }

    private static Path fileOf(Path dir, ObjectId id) {
        String hex = id.name();
        return dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    boolean has(ObjectId id) {
        if (id.length() != format.length()) {
            return false;
        }
        for (Path d : dirs) {
            if (Files.isRegularFile(fileOf(d, id))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads {@code id}, or returns null if no directory holds it: whole when at most
     * {@code streamThreshold} bytes, else as a loader that streams the file on each open.
     */
    ObjectLoader load(ObjectId id, long streamThreshold, long maxObjectSize) throws IOException {
        Opened o = open(id);
        if (o == null) {
            return null;
        }
        if (!Limits.inflatable(o.size, o.fileSize)) {
            o.close();
            throw new CorruptPackException(o.file, 0, "declared size " + o.size + " cannot come from a file of "
                    + o.fileSize + " bytes");
        }
        if (o.size > streamThreshold) {
            o.close();
            return new ObjectLoader(id, o.type, o.size, () -> {
                Opened s = open(id);
                if (s == null) {
                    throw new MissingObjectException(id);
                }
                return new Content(s);
            });
        }
        try (o) {
            Limits.arraySize(o.size, maxObjectSize, "object", o.file, 0);
            return new ObjectLoader(id, o.type, readAll(o));
        }
    }

    /** Returns what {@code cat-file --batch-check} prints of loose {@code id}, or null if there is none. */
    ObjectInfo info(ObjectId id) throws IOException {
        try (Opened o = open(id)) {
            return o == null ? null : new ObjectInfo(id, o.type, o.size, o.fileSize, format.zeroId());
        }
    }

    /** A stream positioned at the content of a loose object, with its type and size. */
    static final class Opened implements AutoCloseable {
        final ObjectType type;
        final long size;
        final InputStream content;
        final long fileSize;
        final Path file;
        private final Inflater inflater;

        Opened(Path file, ObjectType type, long size, InputStream content, long fileSize, Inflater inflater) {
            this.file = file;
            this.type = type;
            this.size = size;
            this.content = content;
            this.fileSize = fileSize;
            this.inflater = inflater;
        }

        @Override
        public void close() throws IOException {
            try {
                content.close();
            } finally {
                inflater.end();
            }
        }
    }

    /** Opens {@code id} in the first directory holding it, parsing its header, or returns null if none does. */
    Opened open(ObjectId id) throws IOException {
        if (id.length() != format.length()) {
            return null;
        }
        for (Path d : dirs) {
            Path f = fileOf(d, id);
            try {
                SeekableByteChannel ch = Files.newByteChannel(f);
                return open(f, Channels.newInputStream(ch), ch.size()); // the size of the file opened
            } catch (NoSuchFileException e) {
                // not in this directory
            }
        }
        return null;
    }

    private static Opened open(Path f, InputStream raw, long fileSize) throws IOException {
        Inflater inf = new Inflater();
        InputStream in = new InflaterInputStream(new BufferedInputStream(raw, 8192), inf, 8192);
        try {
            StringBuilder hdr = new StringBuilder();
            int c;
            while ((c = in.read()) > 0) {
                if (hdr.length() >= 31) { // git reads the header, NUL included, from its first 32 bytes
                    throw new CorruptPackException(f, 0, "loose object header is too long (over 32 bytes)");
                }
                hdr.append((char) c);
            }
            if (c < 0) {
                throw new CorruptPackException(f, 0, "loose object header is not terminated");
            }
            int sp = hdr.indexOf(" ");
            ObjectType type = sp < 0 ? null : ObjectType.fromName(hdr.substring(0, sp));
            String sz = sp < 0 ? "" : hdr.substring(sp + 1);
            if (type == null || sz.isEmpty() || sz.length() > 19 || !sz.chars().allMatch(Character::isDigit)
                    || (sz.length() > 1 && sz.charAt(0) == '0')
                    || (sz.length() == 19 && sz.compareTo(Long.toString(Long.MAX_VALUE)) > 0)) { // past 2^63 - 1
                throw new CorruptPackException(f, 0, "bad loose object header '" + hdr + "'");
            }
            // The declared size is what git reports (header, info) whatever the file can hold;
            // it is checked against the file's size before anything is allocated for it (load).
            return new Opened(f, type, Long.parseLong(sz), in, fileSize, inf);
        } catch (ZipException | EOFException e) {
            in.close();
            inf.end();
            throw new CorruptPackException(f, 0, "bad zlib data: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            in.close();
            inf.end();
            throw e;
        }
    }

    /** Reads the whole content of an opened object (which must fit in an array). */
    private static byte[] readAll(Opened o) throws IOException {
        byte[] out = new byte[(int) o.size];
        InputStream in = new Content(o);
        in.readNBytes(out, 0, out.length); // short only at the declared size: Content fails before
        in.read(); // the zlib stream must end here (Content fails otherwise)
        return out;
    }

    /**
     * The content of an opened loose object, checked as it is read: exactly the declared size,
     * then the end of the zlib stream. Damage (bad zlib data, a stream ending early or going on)
     * fails naming the file; closing it closes the object.
     */
    private static final class Content extends ObjectStream {
        private final Opened o;
        private long left;

        Content(Opened o) {
            super(o.file);
            this.o = o;
            this.left = o.size;
        }

        @Override
        int produce(byte[] b, int off, int len) throws IOException {
            try {
                if (left == 0) {
                    if (o.content.read() >= 0) {
                        throw new CorruptPackException(o.file, 0, "loose object is longer than its declared " + o.size + " bytes");
                    }
                    return -1;
                }
                int n = o.content.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new CorruptPackException(o.file, 0, "loose object ends after " + (o.size - left) + " of "
                            + o.size + " bytes");
                }
                left -= n;
                return n;
            } catch (ZipException | EOFException e) {
                throw new CorruptPackException(o.file, 0, "bad zlib data: " + e.getMessage(), e);
            }
        }

        @Override
        void release() throws IOException {
            o.close();
        }
    }

    /** Adds ids whose hex starts with {@code prefix} (at least 1 digit) to {@code out}, up to {@code limit}. */
    void resolve(String prefix, List<ObjectId> out, int limit) throws IOException {
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        for (Path dir : dirs) {
            if (p.length() == 1) {
                for (int d = 0; d < 16; d++) {
                    scanDir(dir, p + Character.forDigit(d, 16), "", out, limit);
                }
            } else {
                scanDir(dir, p.substring(0, 2), p.substring(2), out, limit);
            }
        }
    }

    /**
     * Calls {@code action} for every loose id as git's {@code for_each_loose_object} meets them:
     * object directories in order, {@code 00..ff}, each in directory-listing order. An id in
     * several directories is reported once per directory.
     */
    void forEach(Consumer<ObjectId> action) throws IOException {
        List<ObjectId> ids = new java.util.ArrayList<>();
        for (Path dir : dirs) {
            for (int b = 0; b < 256; b++) {
                scanDir(dir, String.format("%02x", b), "", ids, Integer.MAX_VALUE);
            }
        }
        ids.forEach(action);
    }

    private void scanDir(Path dir, String sub, String rest, List<ObjectId> out, int limit) throws IOException {
        Path d = dir.resolve(sub);
        if (!Files.isDirectory(d)) {
            return;
        }
        int want = format.hexLength() - 2;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path f : ds) {
                String name = f.getFileName().toString();
                if (name.length() == want && name.startsWith(rest) && ObjectId.isHex(name) && out.size() < limit) {
                    out.add(ObjectId.fromHex(sub + name));
                }
            }
        } catch (NoSuchFileException removed) {
            // git prune-packed removed the emptied directory after isDirectory: its objects are packed
        }
    }
}
