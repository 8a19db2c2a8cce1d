package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one inflate loop: whole reads ({@link PackFile#inflate}), prefix reads and streams
 * ({@link PackStream}) give the same bytes for every entry, whatever the read sizes and windows;
 * a whole read consumes exactly the entry's compressed bytes (the stream ends where the next
 * entry begins); a declared size that is wrong either way is corruption.
 */
class PackInflaterTest {
    @ParameterizedTest
    @ValueSource(longs = {4096, 8192, 65536})
    void wholePrefixAndStreamedReadsAgree(long window) throws IOException {
        try (SlidingWindowMapManager mm = SlidingWindowMapManager.builder().windowSize(window).maxMappedMemory(4 * window).build();
             ObjectDatabase db = ObjectDatabase.builder(Fixtures.repo("history")).mapManager(mm).build();
             ReadContext ctx = new ReadContext()) {
            PackFile p = db.packs().getFirst();
            ReverseIndex rev = p.reverseIndex();
            int[] readSizes = {1, 7, 100, 4096, 1 << 20};
            for (int i = 0; i < rev.size(); i++) {
                long off = rev.offsetAt(i);
                EntryHeader h = p.parseHeader(ctx, off);
                long data = h.dataOffset;
                int size = (int) h.size;
                byte[] whole = new byte[size];
                long used = p.inflate(ctx, off, data, whole, size);
                assertEquals(off + rev.packedLength(i), data + used, "zlib stream ends where the next entry begins");
                int n = Math.min(size, 20);
                byte[] prefix = new byte[n];
                p.inflatePrefix(ctx, off, data, prefix, n);
                assertArrayEquals(java.util.Arrays.copyOf(whole, n), prefix);
                int rs = readSizes[i % readSizes.length];
                try (InputStream in = new PackStream(p, off, data, size)) {
                    byte[] buf = new byte[rs];
                    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                    for (int k; (k = in.read(buf, 0, rs)) >= 0; ) {
                        got.write(buf, 0, k);
                    }
                    assertArrayEquals(whole, got.toByteArray(), "stream of entry at " + off + ", reads of " + rs);
                    assertEquals(-1, in.read());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1})
    void aWrongDeclaredSizeIsCorruption(int delta) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history")); ReadContext ctx = new ReadContext()) {
            PackFile p = db.packs().getFirst();
            ReverseIndex rev = p.reverseIndex();
            long off = rev.offsetAt(0);
            EntryHeader h = p.parseHeader(ctx, off);
            int size = (int) h.size + delta;
            long data = h.dataOffset;
            CorruptPackException e = assertThrows(CorruptPackException.class, () -> p.inflate(ctx, off, data, new byte[size], size));
            assertTrue(e.getMessage().contains("inflates to"), e.getMessage());
            try (InputStream in = new PackStream(p, off, data, size)) {
                assertThrows(CorruptPackException.class, in::readAllBytes);
            }
        }
    }
}
