package io.github.smmap4j.pack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A repository built by git at test time for delta-chain tests (see {@link #deepChains}). */
public final class DeepChainRepo {
    private DeepChainRepo() {
    }

    /**
     * A repository with 240 versions of one file (each a few lines longer: chains up to depth 200
     * after an aggressive repack), other files, loose objects made after the repack, and a
     * second pack of some objects of the first (duplicates).
     */
    public static TestRepo deepChains(Path parent) {
        TestRepo r = TestRepo.init(parent, "deep");
        StringBuilder text = new StringBuilder();
        for (int v = 0; v < 240; v++) {
            for (int l = 0; l < 20; l++) {
                text.append("version ").append(v).append(" line ").append(l).append(" of the growing file\n");
            }
            r.write("grow.txt", text.toString());
            r.write("small" + (v % 7) + ".txt", "small " + v + "\n");
            r.git("add", "-A");
            r.git("commit", "-q", "-m", "v" + v);
        }
        r.git("repack", "-q", "-a", "-d", "-f", "--depth=200", "--window=250");
        String someIds = r.git("rev-list", "--objects", "-n", "30", "HEAD").lines()
                .map(l -> l.split(" ")[0]).reduce("", (a, b) -> a + b + "\n");
        r.git(someIds.getBytes(StandardCharsets.US_ASCII), "pack-objects", "-q", r.gitDir.resolve("objects/pack/dup").toString());
        for (int v = 0; v < 5; v++) {
            r.write("grow.txt", text + "loose " + v + "\n");
            r.git("add", "-A");
            r.git("commit", "-q", "-m", "loose " + v);
        }
        return r;
    }
}
