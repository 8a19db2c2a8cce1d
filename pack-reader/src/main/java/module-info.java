/**
 * pack-reader: reads git object databases (packs, indexes, loose objects) through the
 * smmap-core map manager, and the {@code smmap4j} command-line tool.
 */
module io.github.smmap4j.pack {
    requires transitive io.github.smmap4j.core;
    exports io.github.smmap4j.pack;
}
