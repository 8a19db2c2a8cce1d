package io.github.smmap4j.pack;

import static java.lang.Integer.rotateLeft;
import static java.lang.Integer.rotateRight;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SHA-1 that also tells whether the message contained a block of a cryptanalytic collision
 * attack (SHAttered, Shambles): Marc Stevens' counter-cryptanalysis ("Counter-cryptanalysis",
 * CRYPTO 2013), as the sha1collisiondetection project implements it (sha1dc: git's SHA-1 since
 * 2.13; JGit's {@code org.eclipse.jgit.util.sha1.SHA1} is its Java port, studied for this one).
 *
 * <p>The digest is always plain SHA-1 (sha1dc's "safe hash", which rehashes a detected block,
 * is not done): {@link #collisionDetected()} reports, after {@code digest}, whether the message
 * just digested contained such a block. An attack builds its near-collision blocks on one of
 * 32 {@link DisturbanceVectors disturbance vectors}. Each block is compressed as usual, saving
 * the states before steps 58 and 65; its expanded message goes through the DVs' unavoidable
 * bit conditions (a few hundred bit operations); for each DV whose conditions all hold (rare
 * for ordinary data), the block is recomputed from the saved state with the DV's message
 * difference, backwards to an input chaining value and forwards to the output: if that output
 * equals the real one, the block pair collides, and the block is an attack's.
 *
 * <p>A {@link MessageDigest} ({@code "SHA-1"}, no provider), so it stands where the JDK's digest
 * would; not thread-safe. Nothing is allocated per update or per block.
 */
final class CollisionDetectingSha1 extends MessageDigest {
    private static final VarHandle BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** The expanded message block, reused. */
    private final int[] w = new int[80];
    /** A partial block, {@code length & 63} bytes. */
    private final byte[] buffer = new byte[64];
    private long length;
    private int h0, h1, h2, h3, h4;
    /** The state (A, B, C, D, E) before steps 58 and 65 of the last block compressed. */
    private int s58a, s58b, s58c, s58d, s58e, s65a, s65b, s65c, s65d, s65e;
    /** A block of the current message was an attack's. */
    private boolean found;
    /** The verdict on the message digested last. */
    private boolean detected;

    CollisionDetectingSha1() {
        super("SHA-1");
        engineReset();
    }

    /** Whether the message digested last contained a collision attack's block (false before any digest). */
    boolean collisionDetected() {
        return detected;
    }

    @Override
    protected int engineGetDigestLength() {
        return 20;
    }

    @Override
    protected void engineReset() {
        h0 = 0x67452301;
        h1 = 0xEFCDAB89;
        h2 = 0x98BADCFE;
        h3 = 0x10325476;
        h4 = 0xC3D2E1F0;
        length = 0;
        found = false;
    }

    @Override
    protected void engineUpdate(byte input) {
        int fill = (int) length & 63;
        buffer[fill] = input;
        length++;
        if (fill == 63) {
            block(buffer, 0);
        }
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        int fill = (int) length & 63;
        length += len;
        if (fill > 0) {
            int n = Math.min(64 - fill, len);
            System.arraycopy(input, offset, buffer, fill, n);
            if (fill + n < 64) {
                return;
            }
            block(buffer, 0);
            offset += n;
            len -= n;
        }
        for (; len >= 64; offset += 64, len -= 64) {
            block(input, offset);
        }
        if (len > 0) {
            System.arraycopy(input, offset, buffer, 0, len);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[20];
        finish(out, 0);
        return out;
    }

    @Override
    protected int engineDigest(byte[] out, int offset, int len) throws DigestException {
        if (len < 20) {
            throw new DigestException("SHA-1 needs 20 bytes, the buffer has " + len);
        }
        finish(out, offset);
        return 20;
    }

    /** Pads and compresses the last block(s), writes the digest to {@code out[offset, offset + 20)}, then resets. */
    private void finish(byte[] out, int offset) {
        long bits = length << 3;
        int fill = (int) length & 63;
        buffer[fill++] = (byte) 0x80;
        if (fill > 56) {
            Arrays.fill(buffer, fill, 64, (byte) 0);
            block(buffer, 0);
            fill = 0;
        }
        Arrays.fill(buffer, fill, 56, (byte) 0);
        BIG_ENDIAN.set(buffer, 56, (int) (bits >>> 32));
        BIG_ENDIAN.set(buffer, 60, (int) bits);
        block(buffer, 0);
        BIG_ENDIAN.set(out, offset, h0);
        BIG_ENDIAN.set(out, offset + 4, h1);
        BIG_ENDIAN.set(out, offset + 8, h2);
        BIG_ENDIAN.set(out, offset + 12, h3);
        BIG_ENDIAN.set(out, offset + 16, h4);
        detected = found;
        engineReset();
    }

    /**
     * Compresses the block at {@code m[off, off + 64)}, then checks the DVs its bit conditions let
     * through. SHA-1's 80 steps are unrolled, each expanding its message word as it goes (kept in
     * {@link #w} for the checks); step {@code t} works on the registers renamed by {@code t mod 5}
     * instead of moving them, and the state before steps 58 and 65 is kept.
     */
    private void block(byte[] m, int off) {
        int[] w = this.w;
        int a = h0, b = h1, c = h2, d = h3, e = h4;
        int x;
        x = (int) BIG_ENDIAN.get(m, off); w[0] = x;
        e += rotateLeft(a, 5) + (d ^ (b & (c ^ d))) + 0x5A827999 + x; b = rotateLeft(b, 30);
        x = (int) BIG_ENDIAN.get(m, off + 4); w[1] = x;
        d += rotateLeft(e, 5) + (c ^ (a & (b ^ c))) + 0x5A827999 + x; a = rotateLeft(a, 30);
        x = (int) BIG_ENDIAN.get(m, off + 8); w[2] = x;
        c += rotateLeft(d, 5) + (b ^ (e & (a ^ b))) + 0x5A827999 + x; e = rotateLeft(e, 30);
        x = (int) BIG_ENDIAN.get(m, off + 12); w[3] = x;
        b += rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + 0x5A827999 + x; d = rotateLeft(d, 30);
        x = (int) BIG_ENDIAN.get(m, off + 16); w[4] = x;
        a += rotateLeft(b, 5) + (e ^ (c & (d ^ e))) + 0x5A827999 + x; c = rotateLeft(c, 30);
        x = (int) BIG_ENDIAN.get(m, off + 20); w[5] = x;
        e += rotateLeft(a, 5) + (d ^ (b & (c ^ d))) + 0x5A827999 + x; b = rotateLeft(b, 30);
        x = (int) BIG_ENDIAN.get(m, off + 24); w[6] = x;
        d += rotateLeft(e, 5) + (c ^ (a & (b ^ c))) + 0x5A827999 + x; a = rotateLeft(a, 30);
        x = (int) BIG_ENDIAN.get(m, off + 28); w[7] = x;
        c += rotateLeft(d, 5) + (b ^ (e & (a ^ b))) + 0x5A827999 + x; e = rotateLeft(e, 30);
        x = (int) BIG_ENDIAN.get(m, off + 32); w[8] = x;
        b += rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + 0x5A827999 + x; d = rotateLeft(d, 30);
        x = (int) BIG_ENDIAN.get(m, off + 36); w[9] = x;
        a += rotateLeft(b, 5) + (e ^ (c & (d ^ e))) + 0x5A827999 + x; c = rotateLeft(c, 30);
        x = (int) BIG_ENDIAN.get(m, off + 40); w[10] = x;
        e += rotateLeft(a, 5) + (d ^ (b & (c ^ d))) + 0x5A827999 + x; b = rotateLeft(b, 30);
        x = (int) BIG_ENDIAN.get(m, off + 44); w[11] = x;
        d += rotateLeft(e, 5) + (c ^ (a & (b ^ c))) + 0x5A827999 + x; a = rotateLeft(a, 30);
        x = (int) BIG_ENDIAN.get(m, off + 48); w[12] = x;
        c += rotateLeft(d, 5) + (b ^ (e & (a ^ b))) + 0x5A827999 + x; e = rotateLeft(e, 30);
        x = (int) BIG_ENDIAN.get(m, off + 52); w[13] = x;
        b += rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + 0x5A827999 + x; d = rotateLeft(d, 30);
        x = (int) BIG_ENDIAN.get(m, off + 56); w[14] = x;
        a += rotateLeft(b, 5) + (e ^ (c & (d ^ e))) + 0x5A827999 + x; c = rotateLeft(c, 30);
        x = (int) BIG_ENDIAN.get(m, off + 60); w[15] = x;
        e += rotateLeft(a, 5) + (d ^ (b & (c ^ d))) + 0x5A827999 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[13] ^ w[8] ^ w[2] ^ w[0], 1); w[16] = x;
        d += rotateLeft(e, 5) + (c ^ (a & (b ^ c))) + 0x5A827999 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[14] ^ w[9] ^ w[3] ^ w[1], 1); w[17] = x;
        c += rotateLeft(d, 5) + (b ^ (e & (a ^ b))) + 0x5A827999 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[15] ^ w[10] ^ w[4] ^ w[2], 1); w[18] = x;
        b += rotateLeft(c, 5) + (a ^ (d & (e ^ a))) + 0x5A827999 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[16] ^ w[11] ^ w[5] ^ w[3], 1); w[19] = x;
        a += rotateLeft(b, 5) + (e ^ (c & (d ^ e))) + 0x5A827999 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[17] ^ w[12] ^ w[6] ^ w[4], 1); w[20] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0x6ED9EBA1 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[18] ^ w[13] ^ w[7] ^ w[5], 1); w[21] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0x6ED9EBA1 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[19] ^ w[14] ^ w[8] ^ w[6], 1); w[22] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0x6ED9EBA1 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[20] ^ w[15] ^ w[9] ^ w[7], 1); w[23] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0x6ED9EBA1 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[21] ^ w[16] ^ w[10] ^ w[8], 1); w[24] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0x6ED9EBA1 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[22] ^ w[17] ^ w[11] ^ w[9], 1); w[25] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0x6ED9EBA1 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[23] ^ w[18] ^ w[12] ^ w[10], 1); w[26] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0x6ED9EBA1 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[24] ^ w[19] ^ w[13] ^ w[11], 1); w[27] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0x6ED9EBA1 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[25] ^ w[20] ^ w[14] ^ w[12], 1); w[28] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0x6ED9EBA1 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[26] ^ w[21] ^ w[15] ^ w[13], 1); w[29] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0x6ED9EBA1 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[27] ^ w[22] ^ w[16] ^ w[14], 1); w[30] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0x6ED9EBA1 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[28] ^ w[23] ^ w[17] ^ w[15], 1); w[31] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0x6ED9EBA1 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[29] ^ w[24] ^ w[18] ^ w[16], 1); w[32] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0x6ED9EBA1 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[30] ^ w[25] ^ w[19] ^ w[17], 1); w[33] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0x6ED9EBA1 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[31] ^ w[26] ^ w[20] ^ w[18], 1); w[34] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0x6ED9EBA1 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[32] ^ w[27] ^ w[21] ^ w[19], 1); w[35] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0x6ED9EBA1 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[33] ^ w[28] ^ w[22] ^ w[20], 1); w[36] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0x6ED9EBA1 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[34] ^ w[29] ^ w[23] ^ w[21], 1); w[37] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0x6ED9EBA1 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[35] ^ w[30] ^ w[24] ^ w[22], 1); w[38] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0x6ED9EBA1 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[36] ^ w[31] ^ w[25] ^ w[23], 1); w[39] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0x6ED9EBA1 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[37] ^ w[32] ^ w[26] ^ w[24], 1); w[40] = x;
        e += rotateLeft(a, 5) + ((b & c) | (d & (b | c))) + 0x8F1BBCDC + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[38] ^ w[33] ^ w[27] ^ w[25], 1); w[41] = x;
        d += rotateLeft(e, 5) + ((a & b) | (c & (a | b))) + 0x8F1BBCDC + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[39] ^ w[34] ^ w[28] ^ w[26], 1); w[42] = x;
        c += rotateLeft(d, 5) + ((e & a) | (b & (e | a))) + 0x8F1BBCDC + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[40] ^ w[35] ^ w[29] ^ w[27], 1); w[43] = x;
        b += rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + 0x8F1BBCDC + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[41] ^ w[36] ^ w[30] ^ w[28], 1); w[44] = x;
        a += rotateLeft(b, 5) + ((c & d) | (e & (c | d))) + 0x8F1BBCDC + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[42] ^ w[37] ^ w[31] ^ w[29], 1); w[45] = x;
        e += rotateLeft(a, 5) + ((b & c) | (d & (b | c))) + 0x8F1BBCDC + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[43] ^ w[38] ^ w[32] ^ w[30], 1); w[46] = x;
        d += rotateLeft(e, 5) + ((a & b) | (c & (a | b))) + 0x8F1BBCDC + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[44] ^ w[39] ^ w[33] ^ w[31], 1); w[47] = x;
        c += rotateLeft(d, 5) + ((e & a) | (b & (e | a))) + 0x8F1BBCDC + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[45] ^ w[40] ^ w[34] ^ w[32], 1); w[48] = x;
        b += rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + 0x8F1BBCDC + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[46] ^ w[41] ^ w[35] ^ w[33], 1); w[49] = x;
        a += rotateLeft(b, 5) + ((c & d) | (e & (c | d))) + 0x8F1BBCDC + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[47] ^ w[42] ^ w[36] ^ w[34], 1); w[50] = x;
        e += rotateLeft(a, 5) + ((b & c) | (d & (b | c))) + 0x8F1BBCDC + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[48] ^ w[43] ^ w[37] ^ w[35], 1); w[51] = x;
        d += rotateLeft(e, 5) + ((a & b) | (c & (a | b))) + 0x8F1BBCDC + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[49] ^ w[44] ^ w[38] ^ w[36], 1); w[52] = x;
        c += rotateLeft(d, 5) + ((e & a) | (b & (e | a))) + 0x8F1BBCDC + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[50] ^ w[45] ^ w[39] ^ w[37], 1); w[53] = x;
        b += rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + 0x8F1BBCDC + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[51] ^ w[46] ^ w[40] ^ w[38], 1); w[54] = x;
        a += rotateLeft(b, 5) + ((c & d) | (e & (c | d))) + 0x8F1BBCDC + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[52] ^ w[47] ^ w[41] ^ w[39], 1); w[55] = x;
        e += rotateLeft(a, 5) + ((b & c) | (d & (b | c))) + 0x8F1BBCDC + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[53] ^ w[48] ^ w[42] ^ w[40], 1); w[56] = x;
        d += rotateLeft(e, 5) + ((a & b) | (c & (a | b))) + 0x8F1BBCDC + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[54] ^ w[49] ^ w[43] ^ w[41], 1); w[57] = x;
        c += rotateLeft(d, 5) + ((e & a) | (b & (e | a))) + 0x8F1BBCDC + x; e = rotateLeft(e, 30);
        s58a = c; s58b = d; s58c = e; s58d = a; s58e = b; // the state before step 58: (A, B, C, D, E)
        x = rotateLeft(w[55] ^ w[50] ^ w[44] ^ w[42], 1); w[58] = x;
        b += rotateLeft(c, 5) + ((d & e) | (a & (d | e))) + 0x8F1BBCDC + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[56] ^ w[51] ^ w[45] ^ w[43], 1); w[59] = x;
        a += rotateLeft(b, 5) + ((c & d) | (e & (c | d))) + 0x8F1BBCDC + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[57] ^ w[52] ^ w[46] ^ w[44], 1); w[60] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0xCA62C1D6 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[58] ^ w[53] ^ w[47] ^ w[45], 1); w[61] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0xCA62C1D6 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[59] ^ w[54] ^ w[48] ^ w[46], 1); w[62] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0xCA62C1D6 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[60] ^ w[55] ^ w[49] ^ w[47], 1); w[63] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0xCA62C1D6 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[61] ^ w[56] ^ w[50] ^ w[48], 1); w[64] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0xCA62C1D6 + x; c = rotateLeft(c, 30);
        s65a = a; s65b = b; s65c = c; s65d = d; s65e = e; // before step 65
        x = rotateLeft(w[62] ^ w[57] ^ w[51] ^ w[49], 1); w[65] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0xCA62C1D6 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[63] ^ w[58] ^ w[52] ^ w[50], 1); w[66] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0xCA62C1D6 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[64] ^ w[59] ^ w[53] ^ w[51], 1); w[67] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0xCA62C1D6 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[65] ^ w[60] ^ w[54] ^ w[52], 1); w[68] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0xCA62C1D6 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[66] ^ w[61] ^ w[55] ^ w[53], 1); w[69] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0xCA62C1D6 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[67] ^ w[62] ^ w[56] ^ w[54], 1); w[70] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0xCA62C1D6 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[68] ^ w[63] ^ w[57] ^ w[55], 1); w[71] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0xCA62C1D6 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[69] ^ w[64] ^ w[58] ^ w[56], 1); w[72] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0xCA62C1D6 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[70] ^ w[65] ^ w[59] ^ w[57], 1); w[73] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0xCA62C1D6 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[71] ^ w[66] ^ w[60] ^ w[58], 1); w[74] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0xCA62C1D6 + x; c = rotateLeft(c, 30);
        x = rotateLeft(w[72] ^ w[67] ^ w[61] ^ w[59], 1); w[75] = x;
        e += rotateLeft(a, 5) + (b ^ c ^ d) + 0xCA62C1D6 + x; b = rotateLeft(b, 30);
        x = rotateLeft(w[73] ^ w[68] ^ w[62] ^ w[60], 1); w[76] = x;
        d += rotateLeft(e, 5) + (a ^ b ^ c) + 0xCA62C1D6 + x; a = rotateLeft(a, 30);
        x = rotateLeft(w[74] ^ w[69] ^ w[63] ^ w[61], 1); w[77] = x;
        c += rotateLeft(d, 5) + (e ^ a ^ b) + 0xCA62C1D6 + x; e = rotateLeft(e, 30);
        x = rotateLeft(w[75] ^ w[70] ^ w[64] ^ w[62], 1); w[78] = x;
        b += rotateLeft(c, 5) + (d ^ e ^ a) + 0xCA62C1D6 + x; d = rotateLeft(d, 30);
        x = rotateLeft(w[76] ^ w[71] ^ w[65] ^ w[63], 1); w[79] = x;
        a += rotateLeft(b, 5) + (c ^ d ^ e) + 0xCA62C1D6 + x; c = rotateLeft(c, 30);
        h0 += a;
        h1 += b;
        h2 += c;
        h3 += d;
        h4 += e;
        int mask = DisturbanceVectors.ubcMask(w);
        while (mask != 0 && !found) {
            int i = Integer.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            found = collides(i);
        }
    }

    /**
     * Whether the block just compressed is an attack's on DV {@code i}: the block with the DV's
     * message difference, recomputed from the state kept before the DV's test step, backwards to
     * an input chaining value and forwards from it, gives the same output as the block itself.
     */
    private boolean collides(int i) {
        int[] dm = DisturbanceVectors.dm(i);
        int step = DisturbanceVectors.testStep(i);
        boolean at58 = step == 58;
        int a = at58 ? s58a : s65a, b = at58 ? s58b : s65b, c = at58 ? s58c : s65c;
        int d = at58 ? s58d : s65d, e = at58 ? s58e : s65e;
        for (int t = step - 1; t >= 0; t--) { // undo step t: (a..e) is the state after it
            int pa = b, pb = rotateRight(c, 30), pc = d, pd = e;
            e = a - (rotateLeft(pa, 5) + f(t, pb, pc, pd) + k(t) + (w[t] ^ dm[t]));
            a = pa;
            b = pb;
            c = pc;
            d = pd;
        }
        int i0 = a, i1 = b, i2 = c, i3 = d, i4 = e;
        a = at58 ? s58a : s65a;
        b = at58 ? s58b : s65b;
        c = at58 ? s58c : s65c;
        d = at58 ? s58d : s65d;
        e = at58 ? s58e : s65e;
        for (int t = step; t < 80; t++) {
            int x = rotateLeft(a, 5) + f(t, b, c, d) + e + k(t) + (w[t] ^ dm[t]);
            e = d;
            d = c;
            c = rotateLeft(b, 30);
            b = a;
            a = x;
        }
        return i0 + a == h0 && i1 + b == h1 && i2 + c == h2 && i3 + d == h3 && i4 + e == h4;
    }

    /** SHA-1's round function of step {@code t}. */
    private static int f(int t, int b, int c, int d) {
        return t < 20 ? d ^ (b & (c ^ d)) : t >= 40 && t < 60 ? (b & c) | (d & (b | c)) : b ^ c ^ d;
    }

    /** SHA-1's constant of step {@code t}. */
    private static int k(int t) {
        return t < 20 ? 0x5A827999 : t < 40 ? 0x6ED9EBA1 : t < 60 ? 0x8F1BBCDC : 0xCA62C1D6;
    }
}
