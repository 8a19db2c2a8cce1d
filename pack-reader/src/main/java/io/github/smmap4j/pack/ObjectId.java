package io.github.smmap4j.pack;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable object id: 20 bytes (SHA-1) or 32 bytes (SHA-256). */
public final class ObjectId implements Comparable<ObjectId> {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] raw;
    private final int hash;

    private ObjectId(byte[] raw) {
        this.raw = raw;
        // Ids are uniformly distributed: their first bytes are a perfect hash.
        this.hash = (raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
    }

    /** Copies {@code len} (20 or 32) bytes of {@code src} at {@code off} into a new id. */
    public static ObjectId fromRaw(byte[] src, int off, int len) {
        if (len != 20 && len != 32) {
            throw new IllegalArgumentException("object id length must be 20 or 32 bytes: " + len);
        }
        return new ObjectId(Arrays.copyOfRange(src, off, off + len));
    }

    /** Takes ownership of {@code raw} (20 or 32 bytes, never modified afterwards): no copy. */
    static ObjectId wrap(byte[] raw) {
        if (raw.length != 20 && raw.length != 32) {
            throw new IllegalArgumentException("object id length must be 20 or 32 bytes: " + raw.length);
        }
        return new ObjectId(raw);
    }

    /** Parses a full 40- or 64-digit hex id. */
    public static ObjectId fromHex(String hex) {
        if (!isHex(hex) || (hex.length() != 40 && hex.length() != 64)) {
            throw new IllegalArgumentException("not a full object id: " + hex);
        }
        return new ObjectId(HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Returns true if {@code s} is non-empty and consists only of ASCII hex digits ({@code 0-9},
     * {@code a-f}, {@code A-F}; not the other digits Unicode knows, which git does not read).
     */
    public static boolean isHex(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** Returns the id length in bytes. */
    public int length() {
        return raw.length;
    }

    /** Returns byte {@code i} as an unsigned value. */
    public int byteAt(int i) {
        return raw[i] & 0xff;
    }

    /** Returns a copy of the raw bytes. */
    public byte[] toByteArray() {
        return raw.clone();
    }

    /** Copies the raw bytes into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(raw, 0, dst, off, raw.length);
    }

    /** Returns the lower-case hex form. */
    public String name() {
        return HEX.formatHex(raw);
    }

    /** Returns true if the hex form starts with {@code hexPrefix} (case-insensitive). */
    public boolean startsWith(String hexPrefix) {
        return name().startsWith(hexPrefix.toLowerCase(java.util.Locale.ROOT));
    }

    /** Returns true if this id equals {@code len} bytes of {@code b} at {@code off}. */
    public boolean equalsRaw(byte[] b, int off) {
        return Arrays.equals(raw, 0, raw.length, b, off, off + raw.length);
    }

    @Override
    public int compareTo(ObjectId o) {
        return Arrays.compareUnsigned(raw, o.raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && hash == other.hash && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return name();
    }
}
