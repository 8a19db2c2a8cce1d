package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.eclipse.jgit.util.sha1.SHA1;
import org.eclipse.jgit.util.sha1.Sha1CollisionException;
import org.junit.jupiter.api.Test;

/**
 * {@link CollisionDetectingSha1} against the JDK's SHA-1 (the digest) and JGit's sha1dc port
 * (the digest and the verdict), on random input and on the SHAttered collision.
 */
class CollisionDetectingSha1Test {
    /** The first 192 bytes the two SHAttered PDFs share (sha1collisiondetection's test/shattered-{1,2}.pdf). */
    private static final String SHATTERED_COMMON = ""
            + "255044462d312e330a25e2e3cfd30a0a0a312030206f626a0a3c3c2f57696474682032203020522f4865696768742033"
            + "203020522f547970652034203020522f537562747970652035203020522f46696c7465722036203020522f436f6c6f72"
            + "53706163652037203020522f4c656e6774682038203020522f42697473506572436f6d706f6e656e7420383e3e0a7374"
            + "7265616d0affd8fffe00245348412d3120697320646561642121212121852fec092339759c39b1a1c63c4c97e1fffe01";
    /** Bytes 192..319 of shattered-1.pdf: its two near-collision blocks. */
    private static final String SHATTERED_1_BLOCKS = ""
            + "7346dc9166b67e118f029ab621b2560ff9ca67cca8c7f85ba84c79030c2b3de218f86db3a90901d5df45c14f26fedfb3"
            + "dc38e96ac22fe7bd728f0e45bce046d23c570feb141398bb552ef5a0a82be331fea48037b8b5d71f0e332edf93ac3500"
            + "eb4ddc0decc1a864790c782c76215660dd309791d06bd0af3f98cda4bc4629b1";
    /** Bytes 192..319 of shattered-2.pdf. */
    private static final String SHATTERED_2_BLOCKS = ""
            + "7f46dc93a6b67e013b029aaa1db2560b45ca67d688c7f84b8c4c791fe02b3df614f86db1690901c56b45c1530afedfb7"
            + "6038e972722fe7ad728f0e4904e046c230570fe9d41398abe12ef5bc942be33542a4802d98b5d70f2a332ec37fac3514"
            + "e74ddc0f2cc1a874cd0c78305a21566461309789606bd0bf3f98cda8044629a1";

    /** The first 320 bytes of shattered-1.pdf: a prefix and the collision's two blocks. */
    static byte[] shattered1() {
        return HexFormat.of().parseHex(SHATTERED_COMMON + SHATTERED_1_BLOCKS);
    }

    /** The first 320 bytes of shattered-2.pdf, the other half of the collision. */
    static byte[] shattered2() {
        return HexFormat.of().parseHex(SHATTERED_COMMON + SHATTERED_2_BLOCKS);
    }

    private final Random random = new Random(20131);
    private final CollisionDetectingSha1 ours = new CollisionDetectingSha1();

    private static byte[] jdk(byte[] m) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(m);
    }

    /** Feeds {@code m} in random pieces, single bytes among them, and digests into the middle of a buffer. */
    private byte[] ours(byte[] m) throws DigestException {
        int p = 0;
        while (p < m.length) {
            if (random.nextInt(8) == 0) {
                ours.update(m[p++]);
            } else {
                int n = Math.min(m.length - p, random.nextInt(random.nextBoolean() ? 80 : 70_000));
                ours.update(m, p, n);
                p += n;
            }
        }
        byte[] out = new byte[26];
        assertEquals(20, ours.digest(out, 3, 23));
        return Arrays.copyOfRange(out, 3, 23);
    }

    /** JGit's verdict: its digest, or null when it reports a collision (then its message names {@code hex}). */
    private static byte[] jgit(byte[] m, String hex) {
        SHA1 j = SHA1.newInstance().setDetectCollision(true);
        j.update(m);
        try {
            return j.digest();
        } catch (Sha1CollisionException e) {
            assertTrue(j.hasCollision());
            assertTrue(e.getMessage().contains(hex), e.getMessage());
            return null;
        }
    }

    /** Ours equals the JDK's digest and JGit's, and the three agree on the verdict {@code attack}. */
    private void check(byte[] m, boolean attack, String what) throws Exception {
        byte[] expected = jdk(m);
        assertArrayEquals(expected, ours(m), what);
        assertEquals(attack, ours.collisionDetected(), what);
        byte[] j = jgit(m, HexFormat.of().formatHex(expected));
        assertEquals(attack, j == null, "JGit's verdict on " + what);
        if (j != null) {
            assertArrayEquals(expected, j, "JGit on " + what);
        }
    }

    @Test
    void randomMessagesAroundBlockBoundariesHashAsTheJdkAndAreNotFlagged() throws Exception {
        for (int len = 0; len <= 300; len++) {
            byte[] m = new byte[len];
            random.nextBytes(m);
            assertArrayEquals(jdk(m), ours(m), "length " + len);
            assertFalse(ours.collisionDetected(), "length " + len);
        }
        for (int len : new int[] {3 << 20, (5 << 20) + 55, (1 << 20) + 64}) {
            byte[] m = new byte[len];
            random.nextBytes(m);
            check(m, false, "random " + len + " bytes");
        }
        assertArrayEquals(jdk(new byte[0]), ours.digest(), "the allocating digest() of the empty message");
    }

    @Test
    void messagesOfOneByteValueMatchTheJdk() throws Exception {
        for (int v : new int[] {0, 0xff, 0x80}) {
            byte[] m = new byte[10_000];
            Arrays.fill(m, (byte) v);
            check(m, false, "10,000 bytes of " + v);
        }
    }

    @Test
    void theShatteredPrefixesCollideAndAreDetected() throws Exception {
        byte[] a = shattered1();
        byte[] b = shattered2();
        assertEquals(320, a.length);
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(jdk(a), jdk(b), "the data is a real SHA-1 collision");
        assertEquals("f92d74e3874587aaf443d1db961d4e26dde13e9c", HexFormat.of().formatHex(jdk(a)));
        check(a, true, "shattered-1's first 320 bytes");
        check(b, true, "shattered-2's first 320 bytes");
    }

    @Test
    void theCollisionIsDetectedWhateverFollowsIt() throws Exception {
        for (int len : new int[] {0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000}) {
            for (byte[] prefix : new byte[][] {shattered1(), shattered2()}) {
                byte[] m = Arrays.copyOf(prefix, prefix.length + len);
                byte[] suffix = new byte[len];
                random.nextBytes(suffix);
                System.arraycopy(suffix, 0, m, prefix.length, len);
                check(m, true, "shattered prefix + " + len + " random bytes");
            }
        }
    }

    @Test
    void aFlippedBitOrAShiftedStartIsNoAttack() throws Exception {
        for (int at : new int[] {0, 100, 191, 192, 200, 255, 256, 300, 319}) {
            for (int bit : new int[] {0, 5, 7}) {
                byte[] m = shattered1();
                m[at] ^= (byte) (1 << bit);
                check(m, false, "shattered-1 with bit " + bit + " of byte " + at + " flipped");
            }
        }
        byte[] shifted = new byte[321];
        System.arraycopy(shattered1(), 0, shifted, 1, 320);
        check(shifted, false, "shattered-1 one byte later (as after a git object header)");
    }

    @Test
    void theVerdictBelongsToTheMessageDigestedLast() throws Exception {
        assertFalse(new CollisionDetectingSha1().collisionDetected(), "before any digest");
        ours(shattered1());
        assertTrue(ours.collisionDetected());
        ours.update(shattered1());
        ours.reset();
        ours.update(new byte[] {1, 2, 3});
        assertArrayEquals(jdk(new byte[] {1, 2, 3}), ours.digest(), "reset() drops what came before");
        assertFalse(ours.collisionDetected(), "reset() drops the attack's blocks with the rest");
    }

    @Test
    void aShortOutputBufferIsRefused() {
        assertThrows(DigestException.class, () -> ours.digest(new byte[20], 1, 19));
        assertEquals(20, ours.getDigestLength());
    }

    @Test
    void theDerivedDisturbanceVectorsAreSha1dcsTable() throws Exception {
        // SHA-1 over every DV's dm[0..79] and testt (big-endian words), in table order, computed
        // from sha1_dvs[] of sha1collisiondetection's lib/ubc_check.c.
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        ByteBuffer b = ByteBuffer.allocate(81 * 4);
        for (int i = 0; i < DisturbanceVectors.COUNT; i++) {
            b.clear();
            for (int w : DisturbanceVectors.dm(i)) {
                b.putInt(w);
            }
            b.putInt(DisturbanceVectors.testStep(i));
            md.update(b.array());
        }
        assertEquals("b276cbdab23ed0f3329e516e906ea9fbfb6ffb2d", HexFormat.of().formatHex(md.digest()));
    }
}
