package io.github.smmap4j.pack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The command loop of {@code cat-file --batch-command}, as git 2.39's
 * {@code batch_objects_command}: each input line is {@code contents <object>},
 * {@code info <object>} or {@code flush}. Without {@code --buffer} each command runs at once and
 * its output is flushed; with it commands are queued and run only at a {@code flush} or at the
 * end of the input, then flushed. An empty line, a line starting with whitespace, an unknown
 * command, {@code contents}/{@code info} without {@code " <object>"}, {@code flush} with
 * anything after it, and {@code flush} without {@code --buffer} end the run with git's
 * {@code fatal:} message (exit 128): the output of the commands already run stays, queued
 * commands never run. The object name is the rest of the line after the single space (further
 * blanks belong to it, and {@code %(rest)} is always empty); a line is read up to its first NUL
 * byte, as git's C strings read it.
 *
 * <p>Queued commands are kept compactly (a kind byte, a length and the name's bytes), at most
 * {@link #MAX_QUEUED} bytes of them by default (about 1.4 million {@code info <id>} lines; the
 * environment's {@code SMMAP4J_BATCH_MAX_QUEUED} sets another cap): more without a
 * {@code flush} ends the run with a {@code fatal:} message, so memory stays bounded (git keeps
 * any number).
 */
final class BatchCommands {
    /** Runs one object command. */
    interface Executor {
        /**
         * Prints {@code name}'s object: with its content ({@code contents}) or not ({@code info}).
         */
        void run(boolean contents, String name) throws IOException;

        /** Flushes what the commands wrote. */
        void flush() throws IOException;
    }

    /** The most bytes of queued commands held between two flushes: 64 MiB. */
    static final int MAX_QUEUED = 64 << 20;

    private static final int CHUNK = 1 << 18; // below G1's humongous size for heaps of 128 MiB up: no region half empty
    private static final byte INFO = 0;
    private static final byte CONTENTS = 1;

    private final BatchInput input;
    private final int maxQueued;
    private final boolean buffered;
    private final Executor executor;
    private final List<byte[]> chunks = new ArrayList<>();
    private final List<Integer> ends = new ArrayList<>(); // bytes used in each full chunk
    private byte[] chunk;
    private int used;
    private long queued;

    BatchCommands(BatchInput input, boolean buffered, Executor executor) {
        this(input, buffered, executor, MAX_QUEUED);
    }

    /** As {@link #BatchCommands(BatchInput, boolean, Executor)}, queuing at most {@code maxQueued} bytes. */
    BatchCommands(BatchInput input, boolean buffered, Executor executor, int maxQueued) {
        this.maxQueued = maxQueued;
        this.input = input;
        this.buffered = buffered;
        this.executor = executor;
    }

    /** Reads and runs commands until the end of the input (then runs what is still queued). */
    void run() throws IOException {
        for (String line = input.nextLine(); line != null; line = input.nextLine()) {
            if (line.isEmpty()) {
                throw CliException.fatal("empty command in input");
            }
            String c = BatchInput.cString(line);
            if (!c.isEmpty() && isGitSpace(c.charAt(0))) {
                throw CliException.fatal("whitespace before command: '" + display(c) + "'");
            }
            if (c.startsWith("contents")) {
                object(CONTENTS, argument(c, "contents"));
            } else if (c.startsWith("info")) {
                object(INFO, argument(c, "info"));
            } else if (c.startsWith("flush")) {
                if (c.length() > "flush".length()) {
                    throw CliException.fatal("flush takes no arguments");
                }
                if (!buffered) {
                    throw CliException.fatal("flush is only for --buffer mode");
                }
                dispatch();
            } else {
                throw CliException.fatal("unknown command: '" + display(c) + "'");
            }
        }
        if (buffered && queued > 0) {
            dispatch();
        }
    }

    /** The argument of {@code command} in line {@code c}: what follows {@code "command "}. */
    private static String argument(String c, String command) {
        int n = command.length();
        if (c.length() == n || c.charAt(n) != ' ') {
            throw CliException.fatal(command + " requires arguments");
        }
        return c.substring(n + 1);
    }

    private void object(byte kind, String name) throws IOException {
        if (!buffered) {
            executor.run(kind == CONTENTS, name);
            executor.flush();
            return;
        }
        int need = 5 + name.length();
        if (queued + (long) need > maxQueued) {
            throw CliException.fatal("more than " + maxQueued + " bytes of commands queued without a flush");
        }
        if (chunk == null || chunk.length - used < need) {
            if (chunk != null) {
                ends.add(used);
            }
            chunk = new byte[Math.max(CHUNK, need)];
            chunks.add(chunk);
            used = 0;
        }
        chunk[used++] = kind;
        for (int shift = 24; shift >= 0; shift -= 8) {
            chunk[used++] = (byte) (name.length() >>> shift);
        }
        byte[] bytes = name.getBytes(StandardCharsets.ISO_8859_1); // one byte per char, as read
        System.arraycopy(bytes, 0, chunk, used, bytes.length);
        used += bytes.length;
        queued += need;
    }

    /** Runs the queued commands in order, flushes, and empties the queue (git's dispatch_calls). */
    private void dispatch() throws IOException {
        List<byte[]> todo = List.copyOf(chunks);
        List<Integer> todoEnds = new ArrayList<>(ends);
        todoEnds.add(used);
        chunks.clear();
        ends.clear();
        chunk = null;
        used = 0;
        queued = 0;
        for (int i = 0; i < todo.size(); i++) {
            byte[] c = todo.get(i);
            for (int p = 0, end = todoEnds.get(i); p < end; ) {
                int n = ((c[p + 1] & 0xff) << 24) | ((c[p + 2] & 0xff) << 16) | ((c[p + 3] & 0xff) << 8) | (c[p + 4] & 0xff);
                executor.run(c[p] == CONTENTS, new String(c, p + 5, n, StandardCharsets.ISO_8859_1));
                p += 5 + n;
            }
        }
        executor.flush();
    }

    /** git's isspace: space, tab, newline, carriage return (not vertical tab or form feed). */
    private static boolean isGitSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * A line's bytes as text for a message on stderr (which is UTF-8), control characters but
     * tab and newline shown as {@code ?}, as git's die() shows them.
     */
    private static String display(String iso) {
        byte[] b = iso.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            if ((b[i] >= 0 && b[i] < 0x20 && b[i] != '\t' && b[i] != '\n') || b[i] == 0x7f) {
                b[i] = '?';
            }
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
