package io.github.smmap4j.pack;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
 * Loose objects: one zlib-compressed file per object at {@code objects/xx/yyyy…}, holding
 * {@code "<type> <size>\0"} and the content. Small files, read with plain I/O, not mapped.
 */
final class LooseObjects {
    private final Path dir;
    private final ObjectFormat format;

    LooseObjects(Path objectsDir, ObjectFormat format) {
        this.dir = objectsDir;
        this.format = format;
    }

    Path fileOf(ObjectId id) {
        String hex = id.name();
        return dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    boolean has(ObjectId id) {
        return id.length() == format.length() && Files.isRegularFile(fileOf(id));
    }

    /** A stream positioned at the content of a loose object, with its type and size. */
    static final class Opened implements AutoCloseable {
        final ObjectType type;
        final long size;
        final InputStream content;
        final long fileSize;
        private final Inflater inflater;

        Opened(ObjectType type, long size, InputStream content, long fileSize, Inflater inflater) {
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

    /** Opens {@code id}, parsing its header, or returns null if there is no such file. */
    Opened open(ObjectId id) throws IOException {
        if (id.length() != format.length()) {
            return null;
        }
        Path f = fileOf(id);
        InputStream raw;
        long fileSize;
        try {
            raw = Files.newInputStream(f);
            fileSize = Files.size(f);
        } catch (NoSuchFileException e) {
            return null;
        }
        Inflater inf = new Inflater();
        InputStream in = new InflaterInputStream(new BufferedInputStream(raw, 8192), inf, 8192);
        try {
            StringBuilder hdr = new StringBuilder();
            int c;
            while ((c = in.read()) > 0) {
                if (hdr.length() >= 32) {
                    throw new CorruptPackException(f, 0, "loose object header is too long");
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
                    || (sz.length() > 1 && sz.charAt(0) == '0')) {
                throw new CorruptPackException(f, 0, "bad loose object header '" + hdr + "'");
            }
            long size = Long.parseLong(sz);
            if (size > fileSize * PackFile.MAX_INFLATE_RATIO + 64) {
                throw new CorruptPackException(f, 0, "declared size " + size + " cannot come from a file of " + fileSize + " bytes");
            }
            return new Opened(type, size, in, fileSize, inf);
        } catch (ZipException e) {
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
    static byte[] readAll(Opened o, Path f) throws IOException {
        byte[] out = new byte[(int) o.size];
        try {
            int n = o.content.readNBytes(out, 0, out.length);
            if (n != out.length) {
                throw new CorruptPackException(f, 0, "loose object ends after " + n + " of " + o.size + " bytes");
            }
            if (o.content.read() >= 0) {
                throw new CorruptPackException(f, 0, "loose object is longer than its declared " + o.size + " bytes");
            }
        } catch (ZipException | EOFException e) {
            throw new CorruptPackException(f, 0, "bad zlib data: " + e.getMessage(), e);
        }
        return out;
    }

    /** Adds ids whose hex starts with {@code prefix} (at least 1 digit) to {@code out}, up to {@code limit}. */
    void resolve(String prefix, List<ObjectId> out, int limit) throws IOException {
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        if (p.length() == 1) {
            for (int d = 0; d < 16; d++) {
                scanDir(p + Character.forDigit(d, 16), "", out, limit);
            }
        } else {
            scanDir(p.substring(0, 2), p.substring(2), out, limit);
        }
    }

    void forEach(Consumer<ObjectId> action) throws IOException {
        for (int b = 0; b < 256; b++) {
            String sub = String.format("%02x", b);
            List<ObjectId> ids = new java.util.ArrayList<>();
            scanDir(sub, "", ids, Integer.MAX_VALUE);
            ids.sort(null);
            ids.forEach(action);
        }
    }

    private void scanDir(String sub, String rest, List<ObjectId> out, int limit) throws IOException {
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
        }
    }
}
