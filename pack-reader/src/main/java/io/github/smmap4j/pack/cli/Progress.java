package io.github.smmap4j.pack.cli;

/**
 * Progress on stderr, like git's "Counting objects: 42% (420/1000)", shown only when stderr is a
 * terminal and the work is long (more than 100,000 items), updated at most every 100 ms.
 */
final class Progress {
    private static final Progress NONE = new Progress(null, null, 0);
    private final Cli cli;
    private final String title;
    private final long total;
    private long count;
    private long lastNanos;

    private Progress(Cli cli, String title, long total) {
        this.cli = cli;
        this.title = title;
        this.total = total;
    }

    /** Starts a progress display, or returns one that shows nothing. */
    static Progress start(Cli cli, String title, long total) {
        return cli.progress() && total > 100_000 ? new Progress(cli, title, total) : NONE;
    }

    /** Counts one item. */
    void tick() {
        if (cli == null) {
            return;
        }
        count++;
        if ((count & 1023) == 0) {
            long now = System.nanoTime();
            if (now - lastNanos > 100_000_000L) {
                lastNanos = now;
                show("\r");
            }
        }
    }

    /** Ends the display with a final line. */
    void done() {
        if (cli != null) {
            show("\r");
            cli.err().print(", done.\n");
        }
    }

    private void show(String prefix) {
        long pct = total == 0 ? 100 : Math.min(100, count * 100 / total);
        cli.err().print(prefix + title + ": " + pct + "% (" + count + "/" + total + ")");
        cli.err().flush();
    }
}
