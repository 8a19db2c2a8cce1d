/*
 * The unavoidable bit conditions below (ubcMask) are a mechanical translation of lib/ubc_check.c of
 * https://github.com/cr-marcstevens/sha1collisiondetection, which carries this notice:
 *
 * MIT License
 *
 * Copyright (c) 2017:
 *     Marc Stevens
 *     Cryptology Group
 *     Centrum Wiskunde & Informatica
 *     P.O. Box 94079, 1090 GB Amsterdam, Netherlands
 *     marc@marc-stevens.nl
 *
 *     Dan Shumow
 *     Microsoft Research
 *     danshu@microsoft.com
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */
package io.github.smmap4j.pack;

import static java.lang.Integer.rotateLeft;
import static java.lang.Integer.rotateRight;

/**
 * The 32 SHA-1 disturbance vectors that {@link CollisionDetectingSha1} checks, and their
 * unavoidable bit conditions: the data of Marc Stevens' counter-cryptanalysis (CRYPTO 2013),
 * as the sha1collisiondetection project (sha1dc, git's SHA-1 since 2.13) ships it.
 *
 * <p>A disturbance vector (DV) {@code I(K,b)} is the expanded message {@code DV[0..79]} whose
 * words {@code K..K+15} are zero except {@code DV[K+15] = 2^b}; {@code II(K,b)} has
 * {@code DV[K+1] = DV[K+3] = 2^(b+31 mod 32)} and {@code DV[K+15] = 2^b}; the other words follow
 * from SHA-1's message expansion, forwards and backwards. Placing a local collision at every
 * set bit gives the message difference an attack on that DV needs:
 * {@code dm[t] = DV[t] ^ rotl(DV[t-1], 5) ^ DV[t-2] ^ rotl(DV[t-3], 30) ^ rotl(DV[t-4], 30)
 * ^ rotl(DV[t-5], 30)}. These are derived here (and checked by the tests against sha1dc's table).
 *
 * <p>{@link #ubcMask} is the cheap filter: a message block that an attack on a DV produced must
 * satisfy that DV's unavoidable bit conditions on the expanded message; the mask has the DV's
 * bit set only if all hold. Only the few blocks that pass need the costly recompression check.
 */
final class DisturbanceVectors {
    /** Number of disturbance vectors, one bit each in {@link #ubcMask}'s result. */
    static final int COUNT = 32;

    /** Disturbance vector {@code i} as {type (1: I, 2: II), K, b}, in the order of the mask bits. */
    private static final int[][] DVS = {
            {1, 43, 0}, {1, 44, 0}, {1, 45, 0}, {1, 46, 0}, {1, 46, 2}, {1, 47, 0}, {1, 47, 2}, {1, 48, 0},
            {1, 48, 2}, {1, 49, 0}, {1, 49, 2}, {1, 50, 0}, {1, 50, 2}, {1, 51, 0}, {1, 51, 2}, {1, 52, 0},
            {2, 45, 0}, {2, 46, 0}, {2, 46, 2}, {2, 47, 0}, {2, 48, 0}, {2, 49, 0}, {2, 49, 2}, {2, 50, 0},
            {2, 50, 2}, {2, 51, 0}, {2, 51, 2}, {2, 52, 0}, {2, 53, 0}, {2, 54, 0}, {2, 55, 0}, {2, 56, 0},
    };

    /** {@code DM[i]}: the expanded message XOR-difference of DV {@code i}. */
    private static final int[][] DM = new int[COUNT][];

    // The mask bit of each DV, named type_K_b as in sha1dc.
    private static final int I_43_0 = 1 << 0, I_44_0 = 1 << 1, I_45_0 = 1 << 2, I_46_0 = 1 << 3;
    private static final int I_46_2 = 1 << 4, I_47_0 = 1 << 5, I_47_2 = 1 << 6, I_48_0 = 1 << 7;
    private static final int I_48_2 = 1 << 8, I_49_0 = 1 << 9, I_49_2 = 1 << 10, I_50_0 = 1 << 11;
    private static final int I_50_2 = 1 << 12, I_51_0 = 1 << 13, I_51_2 = 1 << 14, I_52_0 = 1 << 15;
    private static final int II_45_0 = 1 << 16, II_46_0 = 1 << 17, II_46_2 = 1 << 18, II_47_0 = 1 << 19;
    private static final int II_48_0 = 1 << 20, II_49_0 = 1 << 21, II_49_2 = 1 << 22, II_50_0 = 1 << 23;
    private static final int II_50_2 = 1 << 24, II_51_0 = 1 << 25, II_51_2 = 1 << 26, II_52_0 = 1 << 27;
    private static final int II_53_0 = 1 << 28, II_54_0 = 1 << 29, II_55_0 = 1 << 30, II_56_0 = 1 << 31;

    static {
        for (int i = 0; i < COUNT; i++) {
            DM[i] = messageDifference(DVS[i][0], DVS[i][1], DVS[i][2]);
        }
    }

    private DisturbanceVectors() {
    }

    /** The expanded message XOR-difference of DV {@code i} (not to be modified). */
    static int[] dm(int i) {
        return DM[i];
    }

    /**
     * The step from which a block is recomputed to test DV {@code i} (sha1dc's {@code testt}):
     * 58 for {@code K <= 49}, 65 above; {@link CollisionDetectingSha1} keeps the states before both.
     */
    static int testStep(int i) {
        return DVS[i][1] <= 49 ? 58 : 65;
    }

    /** The message difference of DV {@code type(K, b)}: its local collisions, words 0..79. */
    private static int[] messageDifference(int type, int k, int b) {
        int base = 5; // dv[t + base] holds DV[t], for t in -5..79
        int[] dv = new int[80 + base];
        dv[k + 15 + base] = 1 << b;
        if (type == 2) {
            dv[k + 1 + base] = rotateLeft(1 << 31, b);
            dv[k + 3 + base] = rotateLeft(1 << 31, b);
        }
        for (int t = k + 16; t < 80; t++) {
            dv[t + base] = rotateLeft(dv[t - 3 + base] ^ dv[t - 8 + base] ^ dv[t - 14 + base] ^ dv[t - 16 + base], 1);
        }
        for (int t = k - 1; t >= -base; t--) {
            dv[t + base] = rotateRight(dv[t + 16 + base], 1) ^ dv[t + 13 + base] ^ dv[t + 8 + base] ^ dv[t + 2 + base];
        }
        int[] dm = new int[80];
        for (int t = 0; t < 80; t++) {
            int x = t + base;
            dm[t] = dv[x] ^ rotateLeft(dv[x - 1], 5) ^ dv[x - 2]
                    ^ rotateLeft(dv[x - 3], 30) ^ rotateLeft(dv[x - 4], 30) ^ rotateLeft(dv[x - 5], 30);
        }
        return dm;
    }

    /**
     * The disturbance vectors whose unavoidable bit conditions the expanded message block
     * {@code w[0..79]} meets: bit {@code i} for DV {@code i}. Each line tests one relation between
     * two bits of {@code w} and clears the DVs that need it when it fails; a guard skips a test
     * whose DVs are all cleared already. Translated line by line from sha1dc's generated
     * {@code ubc_check} (C's unsigned {@code >>} as {@code >>>}).
     */
    static int ubcMask(int[] w) {
        int mask = -1;
        mask &= (((((w[44]^w[45])>>>29)&1)-1) | ~(I_48_0|I_51_0|I_52_0|II_45_0|II_46_0|II_50_0|II_51_0));
        mask &= (((((w[49]^w[50])>>>29)&1)-1) | ~(I_46_0|II_45_0|II_50_0|II_51_0|II_55_0|II_56_0));
        mask &= (((((w[48]^w[49])>>>29)&1)-1) | ~(I_45_0|I_52_0|II_49_0|II_50_0|II_54_0|II_55_0));
        mask &= ((((w[47]^(w[50]>>>25))&(1<<4))-(1<<4)) | ~(I_47_0|I_49_0|I_51_0|II_45_0|II_51_0|II_56_0));
        mask &= (((((w[47]^w[48])>>>29)&1)-1) | ~(I_44_0|I_51_0|II_48_0|II_49_0|II_53_0|II_54_0));
        mask &= (((((w[46]>>>4)^(w[49]>>>29))&1)-1) | ~(I_46_0|I_48_0|I_50_0|I_52_0|II_50_0|II_55_0));
        mask &= (((((w[46]^w[47])>>>29)&1)-1) | ~(I_43_0|I_50_0|II_47_0|II_48_0|II_52_0|II_53_0));
        mask &= (((((w[45]>>>4)^(w[48]>>>29))&1)-1) | ~(I_45_0|I_47_0|I_49_0|I_51_0|II_49_0|II_54_0));
        mask &= (((((w[45]^w[46])>>>29)&1)-1) | ~(I_49_0|I_52_0|II_46_0|II_47_0|II_51_0|II_52_0));
        mask &= (((((w[44]>>>4)^(w[47]>>>29))&1)-1) | ~(I_44_0|I_46_0|I_48_0|I_50_0|II_48_0|II_53_0));
        mask &= (((((w[43]>>>4)^(w[46]>>>29))&1)-1) | ~(I_43_0|I_45_0|I_47_0|I_49_0|II_47_0|II_52_0));
        mask &= (((((w[43]^w[44])>>>29)&1)-1) | ~(I_47_0|I_50_0|I_51_0|II_45_0|II_49_0|II_50_0));
        mask &= (((((w[42]>>>4)^(w[45]>>>29))&1)-1) | ~(I_44_0|I_46_0|I_48_0|I_52_0|II_46_0|II_51_0));
        mask &= (((((w[41]>>>4)^(w[44]>>>29))&1)-1) | ~(I_43_0|I_45_0|I_47_0|I_51_0|II_45_0|II_50_0));
        mask &= (((((w[40]^w[41])>>>29)&1)-1) | ~(I_44_0|I_47_0|I_48_0|II_46_0|II_47_0|II_56_0));
        mask &= (((((w[54]^w[55])>>>29)&1)-1) | ~(I_51_0|II_47_0|II_50_0|II_55_0|II_56_0));
        mask &= (((((w[53]^w[54])>>>29)&1)-1) | ~(I_50_0|II_46_0|II_49_0|II_54_0|II_55_0));
        mask &= (((((w[52]^w[53])>>>29)&1)-1) | ~(I_49_0|II_45_0|II_48_0|II_53_0|II_54_0));
        mask &= ((((w[50]^(w[53]>>>25))&(1<<4))-(1<<4)) | ~(I_50_0|I_52_0|II_46_0|II_48_0|II_54_0));
        mask &= (((((w[50]^w[51])>>>29)&1)-1) | ~(I_47_0|II_46_0|II_51_0|II_52_0|II_56_0));
        mask &= ((((w[49]^(w[52]>>>25))&(1<<4))-(1<<4)) | ~(I_49_0|I_51_0|II_45_0|II_47_0|II_53_0));
        mask &= ((((w[48]^(w[51]>>>25))&(1<<4))-(1<<4)) | ~(I_48_0|I_50_0|I_52_0|II_46_0|II_52_0));
        mask &= (((((w[42]^w[43])>>>29)&1)-1) | ~(I_46_0|I_49_0|I_50_0|II_48_0|II_49_0));
        mask &= (((((w[41]^w[42])>>>29)&1)-1) | ~(I_45_0|I_48_0|I_49_0|II_47_0|II_48_0));
        mask &= (((((w[40]>>>4)^(w[43]>>>29))&1)-1) | ~(I_44_0|I_46_0|I_50_0|II_49_0|II_56_0));
        mask &= (((((w[39]>>>4)^(w[42]>>>29))&1)-1) | ~(I_43_0|I_45_0|I_49_0|II_48_0|II_55_0));
        if ((mask & (I_44_0|I_48_0|II_47_0|II_54_0|II_56_0)) != 0) {
            mask &= (((((w[38]>>>4)^(w[41]>>>29))&1)-1) | ~(I_44_0|I_48_0|II_47_0|II_54_0|II_56_0));
        }
        mask &= (((((w[37]>>>4)^(w[40]>>>29))&1)-1) | ~(I_43_0|I_47_0|II_46_0|II_53_0|II_55_0));
        if ((mask & (I_52_0|II_48_0|II_51_0|II_56_0)) != 0) {
            mask &= (((((w[55]^w[56])>>>29)&1)-1) | ~(I_52_0|II_48_0|II_51_0|II_56_0));
        }
        if ((mask & (I_52_0|II_48_0|II_50_0|II_56_0)) != 0) {
            mask &= ((((w[52]^(w[55]>>>25))&(1<<4))-(1<<4)) | ~(I_52_0|II_48_0|II_50_0|II_56_0));
        }
        if ((mask & (I_51_0|II_47_0|II_49_0|II_55_0)) != 0) {
            mask &= ((((w[51]^(w[54]>>>25))&(1<<4))-(1<<4)) | ~(I_51_0|II_47_0|II_49_0|II_55_0));
        }
        if ((mask & (I_48_0|II_47_0|II_52_0|II_53_0)) != 0) {
            mask &= (((((w[51]^w[52])>>>29)&1)-1) | ~(I_48_0|II_47_0|II_52_0|II_53_0));
        }
        if ((mask & (I_46_0|I_49_0|II_45_0|II_48_0)) != 0) {
            mask &= (((((w[36]>>>4)^(w[40]>>>29))&1)-1) | ~(I_46_0|I_49_0|II_45_0|II_48_0));
        }
        if ((mask & (I_52_0|II_48_0|II_49_0)) != 0) {
            mask &= ((0-(((w[53]^w[56])>>>29)&1)) | ~(I_52_0|II_48_0|II_49_0));
        }
        if ((mask & (I_50_0|II_46_0|II_47_0)) != 0) {
            mask &= ((0-(((w[51]^w[54])>>>29)&1)) | ~(I_50_0|II_46_0|II_47_0));
        }
        if ((mask & (I_49_0|I_51_0|II_45_0)) != 0) {
            mask &= ((0-(((w[50]^w[52])>>>29)&1)) | ~(I_49_0|I_51_0|II_45_0));
        }
        if ((mask & (I_48_0|I_50_0|I_52_0)) != 0) {
            mask &= ((0-(((w[49]^w[51])>>>29)&1)) | ~(I_48_0|I_50_0|I_52_0));
        }
        if ((mask & (I_47_0|I_49_0|I_51_0)) != 0) {
            mask &= ((0-(((w[48]^w[50])>>>29)&1)) | ~(I_47_0|I_49_0|I_51_0));
        }
        if ((mask & (I_46_0|I_48_0|I_50_0)) != 0) {
            mask &= ((0-(((w[47]^w[49])>>>29)&1)) | ~(I_46_0|I_48_0|I_50_0));
        }
        if ((mask & (I_45_0|I_47_0|I_49_0)) != 0) {
            mask &= ((0-(((w[46]^w[48])>>>29)&1)) | ~(I_45_0|I_47_0|I_49_0));
        }
        mask &= ((((w[45]^w[47])&(1<<6))-(1<<6)) | ~(I_47_2|I_49_2|I_51_2));
        if ((mask & (I_44_0|I_46_0|I_48_0)) != 0) {
            mask &= ((0-(((w[45]^w[47])>>>29)&1)) | ~(I_44_0|I_46_0|I_48_0));
        }
        mask &= (((((w[44]^w[46])>>>6)&1)-1) | ~(I_46_2|I_48_2|I_50_2));
        if ((mask & (I_43_0|I_45_0|I_47_0)) != 0) {
            mask &= ((0-(((w[44]^w[46])>>>29)&1)) | ~(I_43_0|I_45_0|I_47_0));
        }
        mask &= ((0-((w[41]^(w[42]>>>5))&(1<<1))) | ~(I_48_2|II_46_2|II_51_2));
        mask &= ((0-((w[40]^(w[41]>>>5))&(1<<1))) | ~(I_47_2|I_51_2|II_50_2));
        if ((mask & (I_44_0|I_46_0|II_56_0)) != 0) {
            mask &= ((0-(((w[40]^w[42])>>>4)&1)) | ~(I_44_0|I_46_0|II_56_0));
        }
        mask &= ((0-((w[39]^(w[40]>>>5))&(1<<1))) | ~(I_46_2|I_50_2|II_49_2));
        if ((mask & (I_43_0|I_45_0|II_55_0)) != 0) {
            mask &= ((0-(((w[39]^w[41])>>>4)&1)) | ~(I_43_0|I_45_0|II_55_0));
        }
        if ((mask & (I_44_0|II_54_0|II_56_0)) != 0) {
            mask &= ((0-(((w[38]^w[40])>>>4)&1)) | ~(I_44_0|II_54_0|II_56_0));
        }
        if ((mask & (I_43_0|II_53_0|II_55_0)) != 0) {
            mask &= ((0-(((w[37]^w[39])>>>4)&1)) | ~(I_43_0|II_53_0|II_55_0));
        }
        mask &= ((0-((w[36]^(w[37]>>>5))&(1<<1))) | ~(I_47_2|I_50_2|II_46_2));
        if ((mask & (I_45_0|I_48_0|II_47_0)) != 0) {
            mask &= (((((w[35]>>>4)^(w[39]>>>29))&1)-1) | ~(I_45_0|I_48_0|II_47_0));
        }
        if ((mask & (I_48_0|II_48_0)) != 0) {
            mask &= ((0-((w[63]^(w[64]>>>5))&(1<<0))) | ~(I_48_0|II_48_0));
        }
        if ((mask & (I_45_0|II_45_0)) != 0) {
            mask &= ((0-((w[63]^(w[64]>>>5))&(1<<1))) | ~(I_45_0|II_45_0));
        }
        if ((mask & (I_47_0|II_47_0)) != 0) {
            mask &= ((0-((w[62]^(w[63]>>>5))&(1<<0))) | ~(I_47_0|II_47_0));
        }
        if ((mask & (I_46_0|II_46_0)) != 0) {
            mask &= ((0-((w[61]^(w[62]>>>5))&(1<<0))) | ~(I_46_0|II_46_0));
        }
        mask &= ((0-((w[61]^(w[62]>>>5))&(1<<2))) | ~(I_46_2|II_46_2));
        if ((mask & (I_45_0|II_45_0)) != 0) {
            mask &= ((0-((w[60]^(w[61]>>>5))&(1<<0))) | ~(I_45_0|II_45_0));
        }
        if ((mask & (II_51_0|II_54_0)) != 0) {
            mask &= (((((w[58]^w[59])>>>29)&1)-1) | ~(II_51_0|II_54_0));
        }
        if ((mask & (II_50_0|II_53_0)) != 0) {
            mask &= (((((w[57]^w[58])>>>29)&1)-1) | ~(II_50_0|II_53_0));
        }
        if ((mask & (II_52_0|II_54_0)) != 0) {
            mask &= ((((w[56]^(w[59]>>>25))&(1<<4))-(1<<4)) | ~(II_52_0|II_54_0));
        }
        if ((mask & (II_51_0|II_52_0)) != 0) {
            mask &= ((0-(((w[56]^w[59])>>>29)&1)) | ~(II_51_0|II_52_0));
        }
        if ((mask & (II_49_0|II_52_0)) != 0) {
            mask &= (((((w[56]^w[57])>>>29)&1)-1) | ~(II_49_0|II_52_0));
        }
        if ((mask & (II_51_0|II_53_0)) != 0) {
            mask &= ((((w[55]^(w[58]>>>25))&(1<<4))-(1<<4)) | ~(II_51_0|II_53_0));
        }
        if ((mask & (II_50_0|II_52_0)) != 0) {
            mask &= ((((w[54]^(w[57]>>>25))&(1<<4))-(1<<4)) | ~(II_50_0|II_52_0));
        }
        if ((mask & (II_49_0|II_51_0)) != 0) {
            mask &= ((((w[53]^(w[56]>>>25))&(1<<4))-(1<<4)) | ~(II_49_0|II_51_0));
        }
        mask &= ((((w[51]^(w[50]>>>5))&(1<<1))-(1<<1)) | ~(I_50_2|II_46_2));
        mask &= ((((w[48]^w[50])&(1<<6))-(1<<6)) | ~(I_50_2|II_46_2));
        if ((mask & (I_51_0|I_52_0)) != 0) {
            mask &= ((0-(((w[48]^w[55])>>>29)&1)) | ~(I_51_0|I_52_0));
        }
        mask &= ((((w[47]^w[49])&(1<<6))-(1<<6)) | ~(I_49_2|I_51_2));
        mask &= ((((w[48]^(w[47]>>>5))&(1<<1))-(1<<1)) | ~(I_47_2|II_51_2));
        mask &= ((((w[46]^w[48])&(1<<6))-(1<<6)) | ~(I_48_2|I_50_2));
        mask &= ((((w[47]^(w[46]>>>5))&(1<<1))-(1<<1)) | ~(I_46_2|II_50_2));
        mask &= ((0-((w[44]^(w[45]>>>5))&(1<<1))) | ~(I_51_2|II_49_2));
        mask &= ((((w[43]^w[45])&(1<<6))-(1<<6)) | ~(I_47_2|I_49_2));
        mask &= (((((w[42]^w[44])>>>6)&1)-1) | ~(I_46_2|I_48_2));
        mask &= ((((w[43]^(w[42]>>>5))&(1<<1))-(1<<1)) | ~(II_46_2|II_51_2));
        mask &= ((((w[42]^(w[41]>>>5))&(1<<1))-(1<<1)) | ~(I_51_2|II_50_2));
        mask &= ((((w[41]^(w[40]>>>5))&(1<<1))-(1<<1)) | ~(I_50_2|II_49_2));
        if ((mask & (I_52_0|II_51_0)) != 0) {
            mask &= ((((w[39]^(w[43]>>>25))&(1<<4))-(1<<4)) | ~(I_52_0|II_51_0));
        }
        if ((mask & (I_51_0|II_50_0)) != 0) {
            mask &= ((((w[38]^(w[42]>>>25))&(1<<4))-(1<<4)) | ~(I_51_0|II_50_0));
        }
        if ((mask & (I_48_2|I_51_2)) != 0) {
            mask &= ((0-((w[37]^(w[38]>>>5))&(1<<1))) | ~(I_48_2|I_51_2));
        }
        if ((mask & (I_50_0|II_49_0)) != 0) {
            mask &= ((((w[37]^(w[41]>>>25))&(1<<4))-(1<<4)) | ~(I_50_0|II_49_0));
        }
        if ((mask & (II_52_0|II_54_0)) != 0) {
            mask &= ((0-((w[36]^w[38])&(1<<4))) | ~(II_52_0|II_54_0));
        }
        mask &= ((0-((w[35]^(w[36]>>>5))&(1<<1))) | ~(I_46_2|I_49_2));
        if ((mask & (I_51_0|II_47_0)) != 0) {
            mask &= ((((w[35]^(w[39]>>>25))&(1<<3))-(1<<3)) | ~(I_51_0|II_47_0));
        }
        if (mask != 0) {
            if ((mask & I_43_0) != 0 && (((w[61]^(w[62]>>>5)) & (1<<1)) == 0
            || ((w[59]^(w[63]>>>25)) & (1<<5)) != 0
            || ((w[58]^(w[63]>>>30)) & (1<<0)) == 0)) {
            mask &= ~I_43_0;
        }
        if ((mask & I_44_0) != 0 && (((w[62]^(w[63]>>>5)) & (1<<1)) == 0
        || ((w[60]^(w[64]>>>25)) & (1<<5)) != 0
        || ((w[59]^(w[64]>>>30)) & (1<<0)) == 0)) {
        mask &= ~I_44_0;
        }
        if ((mask & I_46_2) != 0) {
        mask &= ((~((w[40]^w[42])>>>2)) | ~I_46_2);
        }
        if ((mask & I_47_2) != 0 && (((w[62]^(w[63]>>>5)) & (1<<2)) == 0
        || ((w[41]^w[43]) & (1<<6)) != 0)) {
        mask &= ~I_47_2;
        }
        if ((mask & I_48_2) != 0 && (((w[63]^(w[64]>>>5)) & (1<<2)) == 0
        || ((w[48]^(w[49]<<5)) & (1<<6)) != 0)) {
        mask &= ~I_48_2;
        }
        if ((mask & I_49_2) != 0 && (((w[49]^(w[50]<<5)) & (1<<6)) != 0
        || ((w[42]^w[50]) & (1<<1)) == 0
        || ((w[39]^(w[40]<<5)) & (1<<6)) != 0
        || ((w[38]^w[40]) & (1<<1)) == 0)) {
        mask &= ~I_49_2;
        }
        if ((mask & I_50_0) != 0) {
        mask &= ((((w[36]^w[37])<<7)) | ~I_50_0);
        }
        if ((mask & I_50_2) != 0) {
        mask &= ((((w[43]^w[51])<<11)) | ~I_50_2);
        }
        if ((mask & I_51_0) != 0) {
        mask &= ((((w[37]^w[38])<<9)) | ~I_51_0);
        }
        if ((mask & I_51_2) != 0 && (((w[51]^(w[52]<<5)) & (1<<6)) != 0
        || ((w[49]^w[51]) & (1<<6)) != 0
        || ((w[37]^(w[37]>>>5)) & (1<<1)) != 0
        || ((w[35]^(w[39]>>>25)) & (1<<5)) != 0)) {
        mask &= ~I_51_2;
        }
        if ((mask & I_52_0) != 0) {
        mask &= ((((w[38]^w[39])<<11)) | ~I_52_0);
        }
        if ((mask & II_46_2) != 0) {
        mask &= ((((w[47]^w[51])<<17)) | ~II_46_2);
        }
        if ((mask & II_48_0) != 0 && (((w[36]^(w[40]>>>25)) & (1<<3)) != 0
        || ((w[35]^(w[40]<<2)) & (1<<30)) == 0)) {
        mask &= ~II_48_0;
        }
        if ((mask & II_49_0) != 0 && (((w[37]^(w[41]>>>25)) & (1<<3)) != 0
        || ((w[36]^(w[41]<<2)) & (1<<30)) == 0)) {
        mask &= ~II_49_0;
        }
        if ((mask & II_49_2) != 0 && (((w[53]^(w[54]<<5)) & (1<<6)) != 0
        || ((w[51]^w[53]) & (1<<6)) != 0
        || ((w[50]^w[54]) & (1<<1)) == 0
        || ((w[45]^(w[46]<<5)) & (1<<6)) != 0
        || ((w[37]^(w[41]>>>25)) & (1<<5)) != 0
        || ((w[36]^(w[41]>>>30)) & (1<<0)) == 0)) {
        mask &= ~II_49_2;
        }
        if ((mask & II_50_0) != 0 && (((w[55]^w[58]) & (1<<29)) == 0
        || ((w[38]^(w[42]>>>25)) & (1<<3)) != 0
        || ((w[37]^(w[42]<<2)) & (1<<30)) == 0)) {
        mask &= ~II_50_0;
        }
        if ((mask & II_50_2) != 0 && (((w[54]^(w[55]<<5)) & (1<<6)) != 0
        || ((w[52]^w[54]) & (1<<6)) != 0
        || ((w[51]^w[55]) & (1<<1)) == 0
        || ((w[45]^w[47]) & (1<<1)) == 0
        || ((w[38]^(w[42]>>>25)) & (1<<5)) != 0
        || ((w[37]^(w[42]>>>30)) & (1<<0)) == 0)) {
        mask &= ~II_50_2;
        }
        if ((mask & II_51_0) != 0 && (((w[39]^(w[43]>>>25)) & (1<<3)) != 0
        || ((w[38]^(w[43]<<2)) & (1<<30)) == 0)) {
        mask &= ~II_51_0;
        }
        if ((mask & II_51_2) != 0 && (((w[55]^(w[56]<<5)) & (1<<6)) != 0
        || ((w[53]^w[55]) & (1<<6)) != 0
        || ((w[52]^w[56]) & (1<<1)) == 0
        || ((w[46]^w[48]) & (1<<1)) == 0
        || ((w[39]^(w[43]>>>25)) & (1<<5)) != 0
        || ((w[38]^(w[43]>>>30)) & (1<<0)) == 0)) {
        mask &= ~II_51_2;
        }
        if ((mask & II_52_0) != 0 && (((w[59]^w[60]) & (1<<29)) != 0
        || ((w[40]^(w[44]>>>25)) & (1<<3)) != 0
        || ((w[40]^(w[44]>>>25)) & (1<<4)) != 0
        || ((w[39]^(w[44]<<2)) & (1<<30)) == 0)) {
        mask &= ~II_52_0;
        }
        if ((mask & II_53_0) != 0 && (((w[58]^w[61]) & (1<<29)) == 0
        || ((w[57]^(w[61]>>>25)) & (1<<4)) != 0
        || ((w[41]^(w[45]>>>25)) & (1<<3)) != 0
        || ((w[41]^(w[45]>>>25)) & (1<<4)) != 0)) {
        mask &= ~II_53_0;
        }
        if ((mask & II_54_0) != 0 && (((w[58]^(w[62]>>>25)) & (1<<4)) != 0
        || ((w[42]^(w[46]>>>25)) & (1<<3)) != 0
        || ((w[42]^(w[46]>>>25)) & (1<<4)) != 0)) {
        mask &= ~II_54_0;
        }
        if ((mask & II_55_0) != 0 && (((w[59]^(w[63]>>>25)) & (1<<4)) != 0
        || ((w[57]^(w[59]>>>25)) & (1<<4)) != 0
        || ((w[43]^(w[47]>>>25)) & (1<<3)) != 0
        || ((w[43]^(w[47]>>>25)) & (1<<4)) != 0)) {
        mask &= ~II_55_0;
        }
        if ((mask & II_56_0) != 0 && (((w[60]^(w[64]>>>25)) & (1<<4)) != 0
        || ((w[44]^(w[48]>>>25)) & (1<<3)) != 0
        || ((w[44]^(w[48]>>>25)) & (1<<4)) != 0)) {
        mask &= ~II_56_0;
        }
        }
        return mask;
    }
}
