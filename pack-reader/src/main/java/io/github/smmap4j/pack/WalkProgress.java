package io.github.smmap4j.pack;

import java.io.IOException;

/**
 * Where a pack-order walk is: the rank of the next entry to hand out (a walk hands out one per
 * rank, in rank order), and whether the visitor was running when the walk failed, so that a walk
 * whose pack went away underneath can go on from that rank by id, and a failure of the visitor's
 * own is never mistaken for one. Single-thread, like the walk.
 */
final class WalkProgress {
    /** One call of the walk's visitor. */
    @FunctionalInterface
    interface Visit {
        void run() throws IOException;
    }

    private int next;
    private boolean inVisitor;

    WalkProgress(int fromRank) {
        this.next = fromRank;
    }

    /** Runs the visitor's call for the entry at {@link #next()}, then moves on to the next rank. */
    void visit(Visit call) throws IOException {
        inVisitor = true;
        call.run();
        inVisitor = false;
        next++;
    }

    /** The rank of the first entry not yet handed out. */
    int next() {
        return next;
    }

    /** True if the visitor itself threw (its exception is the caller's, not the walk's). */
    boolean inVisitor() {
        return inVisitor;
    }
}
