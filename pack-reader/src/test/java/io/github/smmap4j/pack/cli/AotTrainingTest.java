package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smmap4j.pack.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher's AOT training run: every command it trains on must run to success, or it trains the error path instead. */
class AotTrainingTest {
    @Test
    void everyTrainingCommandSucceedsOnARealRepository() throws Exception {
        Path repo = Fixtures.repo("history");
        long packs;
        try (Stream<Path> s = Files.list(repo.resolve(Files.isDirectory(repo.resolve(".git")) ? ".git/objects/pack" : "objects/pack"))) {
            packs = s.filter(p -> p.toString().endsWith(".idx")).count();
        }
        List<Integer> codes = AotTraining.train(repo);
        assertEquals(10 + 2 * packs + 3, codes.size(), "one-object, batch, verify-pack, stdin and show-index commands");
        assertEquals(Collections.nCopies(codes.size(), 0), codes, "exit codes of the training commands");
    }
}
