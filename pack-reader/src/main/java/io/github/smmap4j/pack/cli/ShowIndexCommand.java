package io.github.smmap4j.pack.cli;

import io.github.smmap4j.pack.ObjectFormat;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code show-index [--object-format=<hash>]}: reads a pack index from stdin and prints, in id
 * order, {@code <offset> <id> (<crc32>)} (version 2) or {@code <offset> <id>} (version 1),
 * with git's messages for short or bad input. Streams the input; the index is not mapped.
 */
final class ShowIndexCommand {
    static final String USAGE = """
            usage: smmap4j show-index [--object-format=<hash-algorithm>] < <pack>.idx

                --object-format <h>   sha1 or sha256 (default: the current repository's, else sha1)
                -h, --help            show this help

            """;

    /** Magic of version 2+ indexes: {@code \377tOc}. */
    private static final int V2_MAGIC = 0xff744f63;

    private ShowIndexCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        ObjectFormat format = null;
        RepoOptions repo = new RepoOptions(cli.cwd());
        try (repo) {
            while (a.next()) {
                if (a.is("-h", "--help")) {
                    return Main.help(cli, USAGE, a);
                } else if (a.isValued("--object-format")) {
                    String f = a.value();
                    try {
                        format = ObjectFormat.fromConfig(f);
                    } catch (IllegalArgumentException e) {
                        throw CliException.fatal("Unknown hash algorithm");
                    }
                } else if (repo.accept(a)) {
                    // accepted for symmetry; show-index reads stdin
                } else if (a.isOption()) {
                    throw a.unknown();
                } else {
                    throw CliException.usage(null, USAGE);
                }
            }
            if (format == null) {
                format = repo.formatOrNull();
            }
        }
        if (format == null) {
            format = ObjectFormat.SHA1;
        }
        show(new DataInputStream(new BufferedInputStream(cli.in(), 1 << 16)), format, cli.out());
        return 0;
    }

    private static void show(DataInputStream in, ObjectFormat format, OutputStream out) throws IOException {
        int h = format.length();
        int[] top = new int[256];
        int version;
        top[0] = readInt(in, "unable to read header");
        top[1] = readInt(in, "unable to read header");
        if (top[0] == V2_MAGIC) {
            version = top[1];
            if (version != 2) {
                throw CliException.fatal("unknown index version");
            }
            for (int i = 0; i < 256; i++) {
                top[i] = readInt(in, "unable to read index");
            }
        } else {
            version = 1;
            for (int i = 2; i < 256; i++) {
                top[i] = readInt(in, "unable to read index");
            }
        }
        long nr = 0;
        for (int i = 0; i < 256; i++) {
            long n = Integer.toUnsignedLong(top[i]);
            if (n < nr) {
                throw CliException.fatal("corrupt index file");
            }
            nr = n;
        }
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder(128);
        byte[] id = new byte[h];
        if (version == 1) {
            for (long i = 0; i < nr; i++) {
                int off;
                try {
                    off = in.readInt();
                    in.readFully(id);
                } catch (EOFException e) {
                    throw CliException.fatal("unable to read entry " + i + "/" + nr);
                }
                sb.setLength(0);
                sb.append(Integer.toUnsignedLong(off)).append(' ');
                hex.formatHex(sb, id).append('\n');
                out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            }
            return;
        }
        if (nr > Integer.MAX_VALUE / Math.max(h, 8)) {
            throw CliException.fatal("corrupt index file");
        }
        int n = (int) nr;
        // The count is only a claim: the ids array grows with what stdin really holds.
        byte[] ids = new byte[Math.min(n, 1 << 16) * h];
        for (int i = 0; i < n; i++) {
            if ((i + 1) * h > ids.length) {
                ids = Arrays.copyOf(ids, (int) Math.min((long) n * h, 2L * ids.length));
            }
            try {
                in.readFully(ids, i * h, h);
            } catch (EOFException e) {
                throw CliException.fatal("unable to read sha1 " + i + "/" + n);
            }
        }
        int[] crc = new int[n];
        for (int i = 0; i < n; i++) {
            crc[i] = readInt(in, "unable to read crc " + i + "/" + n);
        }
        int[] off = new int[n];
        for (int i = 0; i < n; i++) {
            off[i] = readInt(in, "unable to read 32b offset " + i + "/" + n);
        }
        int off64 = 0;
        for (int i = 0; i < n; i++) {
            long offset;
            if (off[i] >= 0) {
                offset = off[i];
            } else {
                if ((off[i] & 0x7fffffff) != off64) {
                    throw CliException.fatal("inconsistent 64b offset index");
                }
                try {
                    offset = in.readLong();
                } catch (EOFException e) {
                    throw CliException.fatal("unable to read 64b offset " + off64);
                }
                off64++;
            }
            sb.setLength(0);
            sb.append(Long.toUnsignedString(offset)).append(' ');
            hex.formatHex(sb, ids, i * h, i * h + h).append(" (");
            String c = Integer.toHexString(crc[i]);
            sb.append("00000000", 0, 8 - c.length()).append(c).append(")\n");
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static int readInt(DataInputStream in, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw CliException.fatal(what);
        }
    }
}
