package io.github.smmap4j.core;

/** Default limits shared by both managers. */
final class Limits {
    /** 8 GiB on 64-bit JVMs (address space is plentiful there), 512 MiB otherwise. */
    static final long DEFAULT_MAX_MAPPED_MEMORY =
            "64".equals(System.getProperty("sun.arch.data.model", "64")) ? 8L << 30 : 512L << 20;
    /** Well under Linux's default vm.max_map_count of 65530, which the whole process shares. */
    static final int DEFAULT_MAX_OPEN_REGIONS = 8192;

    private Limits() {
    }

    static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + v);
        }
        return v;
    }
}
