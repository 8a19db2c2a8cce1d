package io.github.smmap4j.pack;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Coverage-guided fuzzing with Jazzer: the fuzzer's input chooses a fixture and one to four
 * mutations of its pack or idx (the same {@link PackMutations} as {@link PackFuzzTest}, driven by the input
 * instead of a seeded Random), and the same oracle judges the result.
 *
 * <p>Under {@code mvn verify} this runs in Jazzer's regression mode: only the empty input and
 * any inputs saved under {@code src/test/resources/io/github/smmap4j/pack/PackJazzerFuzzTestInputs/}.
 * Real fuzzing: {@code JAZZER_FUZZ=1 mvn -pl pack-reader -am verify -Dtest=PackJazzerFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (runs 5 minutes, or stops at the first
 * finding, which Jazzer saves as a reproducer input).
 */
class PackJazzerFuzzTest {
    private static final List<String> FIXTURES = List.of("sha256", "idxv1", "idx64", "refdelta", "bigblob", "history");
    private static final PackSurgery[] COPIES = new PackSurgery[FIXTURES.size()];

    private static PackSurgery copy(int i) {
        if (COPIES[i] == null) {
            try {
                COPIES[i] = PackSurgery.of(FIXTURES.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return COPIES[i];
    }

    @FuzzTest(maxDuration = "5m")
    void packAndIdxMutations(FuzzedDataProvider data) throws IOException {
        int fixture = data.consumeInt(0, FIXTURES.size() - 1);
        PackSurgery s = copy(fixture);
        s.reset();
        PackMutations.Choices choices = bound -> bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
        int ops = data.consumeInt(1, 4);
        StringBuilder what = new StringBuilder(FIXTURES.get(fixture));
        for (int i = 0; i < ops; i++) {
            what.append("; ").append(PackMutations.mutate(s, choices, i == 0));
        }
        s.write();
        PackFuzzTest.check(s, what.toString());
    }
}
