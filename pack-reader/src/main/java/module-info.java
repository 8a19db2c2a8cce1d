/**
 * pack-reader: reads git object databases (packs, indexes, loose objects) through the
 * smmap-core map manager. The {@code smmap4j} command-line tool lives in the non-exported
 * package {@code io.github.smmap4j.pack.cli} and uses only the exported API.
 */
module io.github.smmap4j.pack {
    requires transitive io.github.smmap4j.core;
    exports io.github.smmap4j.pack;
}
