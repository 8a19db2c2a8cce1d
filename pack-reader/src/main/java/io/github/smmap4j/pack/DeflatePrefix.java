package io.github.smmap4j.pack;

/**
 * Decodes the first few bytes of a zlib stream in Java: what a header lookup needs from a delta
 * entry (its two size varints) without a round trip through native zlib, whose per-stream setup
 * costs more than the handful of bytes wanted. A port of zlib's reference decoder {@code puff.c}
 * (stored, fixed and dynamic blocks), stopping as soon as enough output exists.
 *
 * <p>It only ever answers with bytes zlib would produce: whenever the input is not plainly valid
 * (bad zlib header, preset dictionary, over-subscribed or incomplete codes, a distance before the
 * start) or runs out, it returns -1 and the caller asks zlib, which then yields the same bytes or
 * the error. It never throws and never reads outside {@code in[0, inLen)}. Single-thread; one per
 * {@link ReadContext}, its tables reused.
 */
final class DeflatePrefix {
    private static final int MAXBITS = 15;
    private static final int MAXLCODES = 286;
    private static final int MAXDCODES = 30;
    private static final int FIXLCODES = 288;

    private static final short[] LENS = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final short[] LEXT = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
            3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    private static final short[] DISTS = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
            257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final short[] DEXT = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
            7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    private static final byte[] ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    /** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
    private static final class Huffman {
        final short[] count = new short[MAXBITS + 1];
        final short[] symbol;

        Huffman(int symbols) {
            symbol = new short[symbols];
        }
    }

    // The fixed codes as lookup tables: 9-bit literal/length codes, 5-bit distance codes (30 and 31 unused).
    private static final int[] FIXED_LEN = new int[1 << 9];
    private static final int[] FIXED_DIST = new int[1 << 5];

    static {
        short[] l = new short[FIXLCODES];
        for (int s = 0; s < FIXLCODES; s++) {
            l[s] = (short) (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
        }
        table(l, 0, FIXLCODES, 9, FIXED_LEN, new int[MAXBITS + 1]);
        short[] d = new short[MAXDCODES];
        java.util.Arrays.fill(d, (short) 5);
        table(d, 0, MAXDCODES, 5, FIXED_DIST, new int[MAXBITS + 1]);
    }

    private final Huffman lencode = new Huffman(MAXLCODES);
    private final Huffman distcode = new Huffman(MAXDCODES);
    private final short[] lengths = new short[MAXLCODES + MAXDCODES];
    private final short[] offs = new short[MAXBITS + 1];
    private final int[] codeLengthTable = new int[1 << 7];
    private final int[] start = new int[MAXBITS + 1];

    // Input and bit state of the current call.
    private byte[] in;
    private int inLen;
    private int inPos;
    private long bitBuf; // bits not yet used, next bit lowest; whole input bytes beyond bitCnt % 8
    private int bitCnt;
    // Output of the current call.
    private byte[] out;
    private int want;
    private int outCnt;

    /** Thrown internally when the input runs out; never escapes. */
    private static final RuntimeException OUT_OF_INPUT = new RuntimeException(null, null, false, false) {
    };

    // What a block's decoding ended with.
    private static final int ERROR = -1;
    private static final int END_OF_BLOCK = 0;
    private static final int FULL = 1; // stopped where zlib would need room for more output

    /**
     * Decodes the first {@code want} bytes of the zlib stream {@code in[0, inLen)} into
     * {@code out[0, want)}. Like zlib asked for {@code want} bytes, it goes on past the last of
     * them to the next point that would need output (validating what lies between, such as an
     * end of block, the next block header, a match's distance or the trailer's checksum), so it
     * succeeds exactly where zlib would.
     *
     * @return {@code want}; or -1 when zlib must decide (damage, a stream shorter than
     *         {@code want}, input that runs out first)
     */
    int decode(byte[] in, int inLen, byte[] out, int want) {
        if (inLen < 2 || want <= 0) {
            return -1;
        }
        int cmf = in[0] & 0xff;
        int flg = in[1] & 0xff;
        if ((cmf & 0x0f) != 8 || (cmf >>> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0) {
            return -1;
        }
        this.in = in;
        this.inLen = inLen;
        this.inPos = 2;
        this.bitBuf = 0;
        this.bitCnt = 0;
        this.out = out;
        this.want = want;
        this.outCnt = 0;
        try {
            boolean last;
            do {
                last = bits(1) == 1;
                int type = bits(2);
                int r = switch (type) {
                    case 0 -> stored();
                    case 1 -> codes(true);
                    case 2 -> dynamic();
                    default -> ERROR;
                };
                if (r == ERROR) {
                    return -1;
                }
                if (r == FULL) {
                    return want;
                }
            } while (!last);
            // The stream ended: zlib reads the trailer and checks it against all the output.
            alignToByte();
            if (outCnt != want || inLen - inPos < 4) {
                return -1;
            }
            int check = (in[inPos] & 0xff) << 24 | (in[inPos + 1] & 0xff) << 16 | (in[inPos + 2] & 0xff) << 8 | (in[inPos + 3] & 0xff);
            return check == adler32(out, outCnt) ? want : -1;
        } catch (RuntimeException e) {
            // OUT_OF_INPUT; anything else would be a bug here, and zlib still decides safely.
            return -1;
        } finally {
            this.in = null;
            this.out = null;
        }
    }

    private static int adler32(byte[] b, int n) {
        int a = 1;
        int s = 0;
        for (int i = 0; i < n; i++) { // n is small: no need for zlib's deferred modulo
            a = (a + (b[i] & 0xff)) % 65521;
            s = (s + a) % 65521;
        }
        return s << 16 | a;
    }

    /** Tops the bit buffer up with whole input bytes (as many as fit). */
    private void refill() {
        while (bitCnt <= 56 && inPos < inLen) {
            bitBuf |= (long) (in[inPos++] & 0xff) << bitCnt;
            bitCnt += 8;
        }
    }

    private int bits(int need) {
        if (bitCnt < need) {
            refill();
            if (bitCnt < need) {
                throw OUT_OF_INPUT;
            }
        }
        int v = (int) (bitBuf & ((1L << need) - 1));
        bitBuf >>>= need;
        bitCnt -= need;
        return v;
    }

    /** Drops the bits up to the next byte boundary and gives the buffered whole bytes back to the input. */
    private void alignToByte() {
        inPos -= bitCnt >>> 3;
        bitBuf = 0;
        bitCnt = 0;
    }

    private int stored() {
        alignToByte(); // a stored block starts at the next byte boundary
        if (inPos + 4 > inLen) {
            throw OUT_OF_INPUT;
        }
        int len = (in[inPos] & 0xff) | (in[inPos + 1] & 0xff) << 8;
        int nlen = (in[inPos + 2] & 0xff) | (in[inPos + 3] & 0xff) << 8;
        if (nlen != (~len & 0xffff)) {
            return ERROR;
        }
        inPos += 4;
        if (len == 0) {
            return END_OF_BLOCK;
        }
        if (outCnt == want) {
            return FULL;
        }
        int n = Math.min(len, want - outCnt);
        if (n > inLen - inPos) {
            throw OUT_OF_INPUT;
        }
        System.arraycopy(in, inPos, out, outCnt, n);
        outCnt += n;
        inPos += n;
        return n < len ? FULL : END_OF_BLOCK;
    }

    /** Canonical decoding, one bit at a time but from the buffer, without a call per bit. */
    private int decodeSymbol(Huffman h) {
        if (bitCnt < MAXBITS) {
            refill();
        }
        long buf = bitBuf;
        int avail = bitCnt;
        short[] count = h.count;
        int code = 0;
        int first = 0;
        int index = 0;
        for (int len = 1; len <= MAXBITS; len++) {
            if (len > avail) {
                throw OUT_OF_INPUT;
            }
            code |= (int) (buf & 1);
            buf >>>= 1;
            int c = count[len];
            if (code - c < first) {
                bitBuf = buf;
                bitCnt = avail - len;
                return h.symbol[index + (code - first)];
            }
            index += c;
            first += c;
            first <<= 1;
            code <<= 1;
        }
        return -1; // ran out of codes: an incomplete code set used its gap
    }

    /**
     * Fills {@code table} (2^bits entries, indexed by the next {@code bits} input bits) with
     * {@code symbol << 4 | length} for every code of the canonical code given by
     * {@code length[from, from + n)}, whose codes must all be at most {@code bits} long; slots
     * no code reaches stay 0.
     */
    private static void table(short[] length, int from, int n, int bits, int[] table, int[] start) {
        java.util.Arrays.fill(table, 0, 1 << bits, 0);
        java.util.Arrays.fill(start, 0);
        for (int s = 0; s < n; s++) {
            start[length[from + s]]++; // counts first, turned into first codes below
        }
        int code = 0;
        int prev = 0; // codes of the previous length (none of length 0)
        for (int len = 1; len <= MAXBITS; len++) {
            int c = start[len];
            code = (code + prev) << 1;
            start[len] = code;
            prev = c;
        }
        for (int s = 0; s < n; s++) {
            int len = length[from + s];
            if (len == 0) {
                continue;
            }
            int c = start[len]++;
            int rev = Integer.reverse(c) >>> (32 - len); // codes are sent most significant bit first
            for (int i = rev; i < (1 << bits); i += 1 << len) {
                table[i] = s << 4 | len;
            }
        }
    }

    /** Decodes with a {@link #table}; 0 entries (no code) are errors. */
    private int decodeTable(int[] table, int bits) {
        if (bitCnt < bits) {
            refill();
        }
        int e = table[(int) (bitBuf & ((1 << bits) - 1))];
        int len = e & 15;
        if (len == 0) {
            return -1;
        }
        if (len > bitCnt) {
            throw OUT_OF_INPUT;
        }
        bitBuf >>>= len;
        bitCnt -= len;
        return e >>> 4;
    }

    private static int construct(Huffman h, short[] length, int from, int n, short[] offs) {
        java.util.Arrays.fill(h.count, (short) 0);
        for (int s = 0; s < n; s++) {
            h.count[length[from + s]]++;
        }
        if (h.count[0] == n) {
            return 0; // no codes: complete, but any decode fails
        }
        int left = 1;
        for (int len = 1; len <= MAXBITS; len++) {
            left <<= 1;
            left -= h.count[len];
            if (left < 0) {
                return left; // over-subscribed
            }
        }
        offs[1] = 0;
        for (int len = 1; len < MAXBITS; len++) {
            offs[len + 1] = (short) (offs[len] + h.count[len]);
        }
        for (int s = 0; s < n; s++) {
            if (length[from + s] != 0) {
                h.symbol[offs[length[from + s]]++] = (short) s;
            }
        }
        return left; // > 0: incomplete
    }

    /** Decodes literal/length and distance codes until the end of the block or full output. */
    private int codes(boolean fixed) {
        while (true) {
            int symbol = fixed ? decodeTable(FIXED_LEN, 9) : decodeSymbol(lencode);
            if (symbol < 0) {
                return ERROR;
            }
            if (symbol < 256) {
                if (outCnt == want) {
                    return FULL;
                }
                out[outCnt++] = (byte) symbol;
            } else if (symbol == 256) {
                return END_OF_BLOCK;
            } else {
                symbol -= 257;
                if (symbol >= 29) {
                    return ERROR;
                }
                int n = LENS[symbol] + bits(LEXT[symbol]);
                int ds = fixed ? decodeTable(FIXED_DIST, 5) : decodeSymbol(distcode);
                if (ds < 0 || ds >= 30) {
                    return ERROR;
                }
                int d = DISTS[ds] + bits(DEXT[ds]);
                if (d > outCnt) {
                    return ERROR; // distance too far back
                }
                int copy = Math.min(n, want - outCnt);
                for (int k = 0; k < copy; k++) {
                    out[outCnt] = out[outCnt - d];
                    outCnt++;
                }
                if (copy < n) {
                    return FULL; // zlib stops inside the match too, its distance already validated
                }
            }
        }
    }

    private int dynamic() {
        int nlen = bits(5) + 257;
        int ndist = bits(5) + 1;
        int ncode = bits(4) + 4;
        if (nlen > MAXLCODES || ndist > MAXDCODES) {
            return -1;
        }
        int index;
        for (index = 0; index < ncode; index++) {
            lengths[ORDER[index]] = (short) bits(3);
        }
        for (; index < 19; index++) {
            lengths[ORDER[index]] = 0;
        }
        if (construct(lencode, lengths, 0, 19, offs) != 0) {
            return ERROR; // the code-length code must be complete
        }
        table(lengths, 0, 19, 7, codeLengthTable, start);
        index = 0;
        while (index < nlen + ndist) {
            int symbol = decodeTable(codeLengthTable, 7);
            if (symbol < 0) {
                return -1;
            }
            if (symbol < 16) {
                lengths[index++] = (short) symbol;
            } else {
                short len = 0;
                int repeat;
                if (symbol == 16) {
                    if (index == 0) {
                        return -1;
                    }
                    len = lengths[index - 1];
                    repeat = 3 + bits(2);
                } else if (symbol == 17) {
                    repeat = 3 + bits(3);
                } else {
                    repeat = 11 + bits(7);
                }
                if (index + repeat > nlen + ndist) {
                    return -1;
                }
                while (repeat-- > 0) {
                    lengths[index++] = len;
                }
            }
        }
        if (lengths[256] == 0) {
            return -1; // no end-of-block code
        }
        int err = construct(lencode, lengths, 0, nlen, offs);
        if (err < 0 || (err > 0 && nlen != lencode.count[0] + lencode.count[1])) {
            return -1; // incomplete only allowed for a single code
        }
        err = construct(distcode, lengths, nlen, ndist, offs);
        if (err < 0 || (err > 0 && ndist != distcode.count[0] + distcode.count[1])) {
            return -1;
        }
        return codes(false);
    }
}
