package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.Path;
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
    private final ObjectId zero;

    ObjectFormat(String configName, String digestName, int length) {
        this.configName = configName;
        this.digestName = digestName;
        this.length = length;
        this.zero = ObjectId.fromRaw(new byte[length], 0, length);
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

    /**
     * A digest for checking object ids: for SHA-1 with {@code detectCollisions}, one that also
     * detects collision attacks ({@link CollisionDetectingSha1}, as git's sha1dc); else {@link #newDigest()}.
     */
    MessageDigest idDigest(boolean detectCollisions) {
        return this == SHA1 && detectCollisions ? new CollisionDetectingSha1() : newDigest();
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

    /**
     * Returns the format of the repository whose git directory is {@code gitDir}: its
     * {@code extensions.objectFormat}, SHA-1 when the config or the setting is absent.
     *
     * @throws IllegalArgumentException if the config names an unknown format
     */
    public static ObjectFormat of(Path gitDir) throws IOException {
        java.util.Optional<String> name = GitConfig.read(gitDir.resolve("config")).get("extensions.objectformat");
        return name.isPresent() ? fromConfig(name.get()) : SHA1;
    }

    /**
     * Returns the id of the empty tree, which git knows without storing it (a "cached object":
     * every repository has it, with no size on disk).
     */
    public ObjectId emptyTreeId() {
        return ObjectId.fromHex(this == SHA1 ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
                : "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321");
    }

    /** Returns the all-zero id of this format. */
    public ObjectId zeroId() {
        return zero;
    }
}
