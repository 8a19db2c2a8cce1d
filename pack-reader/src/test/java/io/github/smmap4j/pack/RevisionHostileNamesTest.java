package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Revision#resolve} on hostile names ({@link HostileNames}): never an exception, and
 * git 2.39's answer (its {@code cat-file --batch-check}) for each; names holding a NUL (which
 * git's C strings cannot carry) are missing; the names git itself overflows its stack on get
 * the right object, quickly.
 */
class RevisionHostileNamesTest {
    @TempDir
    static Path tmp;
    static Path repo;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: comparisons with git skipped");
        repo = HostileNames.build(tmp);
    }

    /** git's answers: the id, or null for "missing". */
    static List<String> gitAnswers(List<String> names) throws Exception {
        byte[] in = (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
        String out = new String(HostileNames.git(repo, in, "cat-file", "--batch-check=%(objectname)"), StandardCharsets.UTF_8);
        List<String> answers = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            if (answers.size() < names.size()) {
                answers.add(line.endsWith(" missing") ? null : line);
            }
        }
        return answers;
    }

    @Test
    void answersAsGit() throws Exception {
        List<String> names = HostileNames.names(repo);
        List<String> git = gitAnswers(names);
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            Revision rev = new Revision(db);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Revision.Result r = rev.resolve(name);
                String what = "'" + (name.length() > 60 ? name.substring(0, 60) + "..." : name) + "'";
                if (git.get(i) == null) {
                    assertEquals(Revision.Status.MISSING, r.status(), what);
                } else {
                    assertEquals(Revision.Status.FOUND, r.status(), what);
                    assertEquals(git.get(i), r.id().name(), what);
                }
                rev.resolve(name, true); // following symlinks (FollowSymlinksTest compares it with git): no exception either
            }
        }
    }

    @Test
    void namesWithANulOrALoneSurrogateAreMissing() throws Exception {
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            Revision rev = new Revision(db);
            for (String name : List.of("HEAD\0", "\0", "HEAD\0x", "main\0", "HEAD:\0", "HEAD:dir\0/x", "refs/heads/main\0",
                    "objects/pack\0", "HEAD~1\0", "\0HEAD", "HEAD^{\0}", "HEAD:\ud800", "HEAD:\udc00x", "main\ud83d", "HEAD:\ud83d")) {
                assertEquals(Revision.Status.MISSING, rev.resolve(name).status(), name.replace("\0", "\\0"));
                assertEquals(Revision.Status.MISSING, rev.resolve(name, true).status(), name.replace("\0", "\\0"));
            }
        }
    }

    /** git 2.39 dies of a stack overflow (SIGSEGV) on these; here they resolve, in linear time. */
    @Test
    void namesThatCrashGit() throws Exception {
        String head = gitAnswers(List.of("HEAD", "HEAD:dir")).getFirst();
        String dir = gitAnswers(List.of("HEAD:dir")).getFirst();
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            Revision rev = new Revision(db);
            List<String> names = HostileNames.crashingGit();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (String n : names.subList(0, 3)) {
                    assertEquals(head, rev.resolve(n).id().name());
                }
                assertEquals(dir, rev.resolve(names.get(3)).id().name());
            });
        }
    }
}
