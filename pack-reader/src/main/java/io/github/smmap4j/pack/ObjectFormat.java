package io.github.smmap4j.pack;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The hash function of a repository: its {@code extensions.objectFormat}. */
public enum ObjectFormat {
    /** SHA-1, 20-byte ids (the default). */
    SHA1("sha1", "SHA-1", 20),
    /** SHA-256, 32-byte ids. */
    SHA256("sha256", "SHA-256", 32);

    private final String configName;
    private final String digestName;
    private final int length;

    ObjectFormat(String configName, String digestName, int length) {
        this.configName = configName;
        this.digestName = digestName;
        this.length = length;
    }

    /** Returns the id length in bytes. */
    public int length() {
        return length;
    }

    /** Returns the id length in hex digits. */
    public int hexLength() {
        return 2 * length;
    }

    /** Returns the name used in git's configuration ({@code sha1}, {@code sha256}). */
    public String configName() {
        return configName;
    }

    /** Returns a new digest of this format. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(digestName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digestName + " is not available in this JDK", e);
        }
    }

    /** Returns the format named {@code name} in git's configuration, case-insensitively. */
    public static ObjectFormat fromConfig(String name) {
        for (ObjectFormat f : values()) {
            if (f.configName.equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown object format: " + name);
    }

    /** Returns the all-zero id of this format. */
    public ObjectId zeroId() {
        return ObjectId.fromRaw(new byte[length], 0, length);
    }
}
