package io.github.smmap4j.pack;

/** The four object types, with their pack type codes. */
public enum ObjectType {
    /** A commit (pack code 1). */
    COMMIT(1, "commit"),
    /** A tree (pack code 2). */
    TREE(2, "tree"),
    /** A blob (pack code 3). */
    BLOB(3, "blob"),
    /** An annotated tag (pack code 4). */
    TAG(4, "tag");

    /** Pack entry code of a delta whose base is given by a negative offset in the same pack. */
    public static final int OFS_DELTA = 6;
    /** Pack entry code of a delta whose base is given by its object id. */
    public static final int REF_DELTA = 7;

    private static final ObjectType[] BY_CODE = {null, COMMIT, TREE, BLOB, TAG};

    private final int code;
    private final String typeName;

    ObjectType(int code, String typeName) {
        this.code = code;
        this.typeName = typeName;
    }

    /** Returns the pack type code (1–4). */
    public int code() {
        return code;
    }

    /** Returns git's name for the type ({@code commit}, {@code tree}, {@code blob}, {@code tag}). */
    public String typeName() {
        return typeName;
    }

    /** Returns the type of pack code {@code code}, or null for deltas and invalid codes. */
    public static ObjectType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Returns the type named {@code name}, or null. */
    public static ObjectType fromName(String name) {
        for (ObjectType t : values()) {
            if (t.typeName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return typeName;
    }
}
