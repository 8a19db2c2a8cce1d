package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every object of a (possibly damaged) {@link PackSurgery} copy and sorts the outcomes:
 * identical to the undamaged content, rejected cleanly (CorruptPackException or
 * MissingObjectException), or a bug (wrong bytes, any other exception or error).
 */
final class DamageOracle {
    /** Per object: null if read identically, else what went wrong. */
    static final class Result {
        Throwable openFailure;
        final Map<ObjectId, Throwable> rejected = new LinkedHashMap<>();
        final Map<ObjectId, String> wrong = new LinkedHashMap<>();
        final Map<ObjectId, Throwable> bugs = new LinkedHashMap<>();
        final List<ObjectId> ok = new ArrayList<>();

        boolean clean() {
            return wrong.isEmpty() && bugs.isEmpty() && !(openFailure != null && !acceptable(openFailure));
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (openFailure != null) {
                sb.append("open failed: ").append(openFailure).append('\n');
            }
            sb.append(ok.size()).append(" ok, ").append(rejected.size()).append(" rejected, ")
                    .append(wrong.size()).append(" WRONG, ").append(bugs.size()).append(" BUGS\n");
            wrong.entrySet().stream().limit(5).forEach(e -> sb.append("  wrong ").append(e.getKey().name())
                    .append(": ").append(e.getValue()).append('\n'));
            bugs.entrySet().stream().limit(3).map(Map.Entry::getKey).forEach(id -> {
                Throwable t = bugs.get(id);
                java.io.StringWriter w = new java.io.StringWriter();
                t.printStackTrace(new java.io.PrintWriter(w));
                sb.append("  bug ").append(id.name()).append(": ").append(w).append('\n');
            });
            return sb.toString();
        }
    }

    private DamageOracle() {
    }

    static boolean acceptable(Throwable t) {
        return t instanceof CorruptPackException || t instanceof MissingObjectException;
    }

    /** Opens the database on the files as they are on disk and reads {@code ids} every way. */
    static Result readAll(PackSurgery s, Collection<ObjectId> ids, boolean withInfo) {
        Result res = new Result();
        ObjectDatabase db;
        try {
            db = ObjectDatabase.builder(s.gitDir)
                    .windowSize(16 * 1024)          // entries straddle windows
                    .maxMappedMemory(64 * 1024)     // and windows get evicted
                    .deltaBaseCache(256 * 1024)
                    .maxObjectSize(32L << 20)       // the configurable cap
                    .streamThreshold(8 * 1024)      // large entries and deltas go through the streams
                    .build();
        } catch (Throwable t) {
            res.openFailure = t;
            return res;
        }
        try (db; ObjectReader r = db.newReader()) {
            for (ObjectId id : ids) {
                PackSurgery.Content want = s.content.get(id);
                try {
                    ObjectLoader l = r.open(id);
                    byte[] got;
                    if (l.isLarge()) { // streamed: read what the data yields, not what the header claims
                        try (java.io.InputStream in = l.openStream()) {
                            got = in.readAllBytes();
                        }
                    } else {
                        got = l.bytes();
                    }
                    String why = null;
                    if (l.type() != want.type()) {
                        why = "type " + l.type() + " instead of " + want.type();
                    } else if (!Arrays.equals(got, want.data())) {
                        why = got.length + " bytes that differ from the " + want.data().length + " expected";
                    }
                    ObjectHeader h = r.header(id);
                    if (why == null && (h.type() != want.type() || h.size() != want.data().length)) {
                        why = "header " + h + " but content is " + want.type() + " " + want.data().length;
                    }
                    if (why == null && withInfo) {
                        ObjectInfo info = r.info(id);
                        if (info.type() != want.type() || info.size() != want.data().length) {
                            why = "info " + info + " but content is " + want.type() + " " + want.data().length;
                        }
                    }
                    if (why != null) {
                        res.wrong.put(id, why);
                    } else {
                        res.ok.add(id);
                    }
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError || t instanceof StackOverflowError)) {
                        throw (VirtualMachineError) t;
                    }
                    if (acceptable(t)) {
                        res.rejected.put(id, t);
                    } else {
                        res.bugs.put(id, t);
                    }
                }
            }
        } catch (RuntimeException e) {
            res.bugs.put(s.format.zeroId(), e);
        }
        return res;
    }

    static Result readAll(PackSurgery s) throws IOException {
        return readAll(s, s.entries.stream().map(PackSurgery.Entry::id).toList(), true);
    }
}
