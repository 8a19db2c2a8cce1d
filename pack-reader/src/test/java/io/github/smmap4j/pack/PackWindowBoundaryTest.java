package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.StaticWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entry headers and zlib streams that straddle window boundaries, placed deterministically: from
 * the real entry offsets of a fixture pack, the test computes window sizes (page multiples; the
 * manager's windows sit on a grid of the window size) at which some header and some compressed
 * stream cross a grid line, asserts that they do, and then reads every such entry through windows
 * of that size, whole and streamed, against the same entry read from one whole mapping.
 */
class PackWindowBoundaryTest {
    private static final long PAGE = 4096;

    /** One entry: offset, data offset (end of header) and end (next entry). */
    private record Span(long offset, long data, long end) {
        boolean headerCrosses(long ws) {
            return offset / ws != (data - 1) / ws;
        }

        boolean streamCrosses(long ws) {
            return data / ws != (end - 1) / ws;
        }
    }

    private static List<Span> spans(ObjectDatabase db, PackFile p) throws IOException {
        List<Span> out = new ArrayList<>();
        ReverseIndex rev = p.reverseIndex();
        try (ObjectReader r = db.newReader()) {
            for (int i = 0; i < rev.size(); i++) {
                long off = rev.offsetAt(i);
                out.add(new Span(off, r.entryAt(p, off).dataOffset(), off + rev.packedLength(i)));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"history", "deepchain", "refdelta"})
    void headersAndStreamsAcrossWindowsReadAsFromOneMapping(String fixture) throws IOException {
        try (StaticWindowMapManager whole = StaticWindowMapManager.builder().build();
             ObjectDatabase oracle = ObjectDatabase.builder(Fixtures.repo(fixture)).mapManager(whole).build()) {
            PackFile op = oracle.packs().getFirst();
            List<Span> spans = spans(oracle, op);
            // The smallest page multiple at which a header crosses a grid line (headers are a few bytes).
            long headerWs = -1;
            for (long ws = PAGE; ws <= 64 * PAGE && headerWs < 0; ws += PAGE) {
                for (Span s : spans) {
                    if (s.headerCrosses(ws)) {
                        headerWs = ws;
                        break;
                    }
                }
            }
            assertTrue(headerWs > 0, "no window size up to 64 pages splits a header of " + fixture);
            for (long ws : new long[] {PAGE, 2 * PAGE, 3 * PAGE, headerWs}) {
                List<Span> crossing = new ArrayList<>();
                boolean header = false;
                boolean stream = false;
                for (Span s : spans) {
                    if (s.headerCrosses(ws) || s.streamCrosses(ws)) {
                        crossing.add(s);
                        header |= s.headerCrosses(ws);
                        stream |= s.streamCrosses(ws);
                    }
                }
                assertTrue(stream, fixture + ": a compressed stream crosses a " + ws + "-byte window line");
                if (ws == headerWs) {
                    assertTrue(header, fixture + ": a header crosses a " + ws + "-byte window line");
                }
                readAcross(fixture, ws, false, crossing, oracle, op);
                readAcross(fixture, ws, true, crossing, oracle, op);
            }
        }
    }

    /**
     * Reads the crossing entries through windows of {@code ws} bytes (at most two mapped): whole
     * (deltas resolved), and whole entries also streamed; without read-through every window is
     * mapped (the windows slide), with it most copies are positional reads that cross the same lines.
     */
    private static void readAcross(String fixture, long ws, boolean readThrough, List<Span> crossing,
            ObjectDatabase oracle, PackFile op) throws IOException {
        try (SlidingWindowMapManager mm = SlidingWindowMapManager.builder().windowSize(ws).maxMappedMemory(2 * ws)
                .readThrough(readThrough).build();
             ObjectDatabase db = ObjectDatabase.builder(Fixtures.repo(fixture)).mapManager(mm).build();
             ObjectDatabase streaming = ObjectDatabase.builder(Fixtures.repo(fixture)).mapManager(mm).streamThreshold(0).build();
             ObjectReader r = db.newReader(); ObjectReader sr = streaming.newReader(); ObjectReader o = oracle.newReader()) {
            PackFile p = db.packs().getFirst();
            PackFile sp = streaming.packs().getFirst();
            ReverseIndex rev = p.reverseIndex();
            int streamed = 0;
            for (Span s : crossing) {
                ObjectId id = p.index.idAt(rev.positionAt(rev.rankOf(s.offset())));
                ObjectLoader want = o.open(new ObjectLocation(id, op, s.offset()));
                ObjectLoader got = r.open(new ObjectLocation(id, p, s.offset()));
                assertEquals(want.type(), got.type(), id.name());
                assertArrayEquals(want.bytes(), got.bytes(), fixture + " ws=" + ws + " " + id.name());
                assertEquals(o.info(id), r.info(id), id.name());
                if (!r.entryAt(p, s.offset()).isDelta()) {
                    ObjectLoader large = sr.open(new ObjectLocation(id, sp, s.offset()));
                    assertTrue(large.isLarge(), "stream threshold 0: streamed");
                    try (InputStream in = large.openStream()) {
                        assertArrayEquals(want.bytes(), in.readAllBytes(), fixture + " ws=" + ws + " stream " + id.name());
                    }
                    streamed++;
                }
            }
            assertTrue(streamed > 0, "some whole entry crossing a window was streamed");
            if (readThrough) {
                assertTrue(mm.stats().readThroughs() > 0, "read through: " + mm.stats());
            } else {
                assertTrue(mm.stats().regionMaps() > 1, "windows slid");
            }
        }
    }
}
