package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SHA-1 collision detection in verification: {@link IdCheck} fails an object of a collision
 * attack with a {@link Sha1CollisionException} naming pack, offset and id; detection on and off
 * verify the bundled fixtures alike, as {@code git verify-pack -v} does.
 */
class PackVerifierCollisionTest {
    static Stream<String> fixtures() {
        return Fixtures.ALL.stream();
    }

    /** Runs {@code check} on the first entry (in pack order) of {@code fixture}'s first pack. */
    private interface EntryCheck {
        void run(PackFile pack, ReverseIndex rev, ObjectId id, ObjectType type, byte[] data) throws Exception;
    }

    private static void onFirstEntry(String fixture, EntryCheck check) throws Exception {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture)); ObjectReader r = db.newReader()) {
            PackFile pack = db.packs().getFirst();
            ReverseIndex rev = pack.reverseIndex();
            ObjectId id = pack.index.idAt(rev.positionAt(0));
            ObjectLoader obj = r.open(id);
            check.run(pack, rev, id, obj.type(), obj.bytes());
        }
    }

    private static IdCheck idCheck(PackFile pack, ReverseIndex rev, MessageDigest md) {
        return new IdCheck(pack, rev, new VerifiedEntries(rev.size(), false, null), null, Limits.MAX_ARRAY, md); // no large objects: no forest
    }

    /** git's object header. */
    private static byte[] header(ObjectType type, int len) {
        return (type.typeName() + " " + len + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anObjectHashedAfterTheShatteredBlocksFailsNamingPackOffsetAndId() throws Exception {
        // A git object cannot hold the attack's blocks where they collide (its header moves
        // them), so the digest is handed in having taken them already: the object is then
        // hashed as the end of a message that starts with the attack, as an attack's object
        // would be.
        onFirstEntry("history", (pack, rev, id, type, data) -> {
            CollisionDetectingSha1 md = new CollisionDetectingSha1();
            md.update(CollisionDetectingSha1Test.shattered1());
            Sha1CollisionException e = assertThrows(Sha1CollisionException.class,
                    () -> idCheck(pack, rev, md).resolved(0, type.code(), data, data.length, 0, data.length));
            MessageDigest jdk = MessageDigest.getInstance("SHA-1");
            jdk.update(CollisionDetectingSha1Test.shattered1());
            jdk.update(header(type, data.length));
            ObjectId hashed = ObjectId.fromRaw(jdk.digest(data), 0, 20);
            assertEquals(hashed, e.id(), "the id as hashed, as git names it");
            assertEquals(pack.packPath(), e.file());
            assertEquals(rev.offsetAt(0), e.offset());
            assertInstanceOf(CorruptPackException.class, e);
            assertEquals(pack.packPath() + " at offset " + rev.offsetAt(0)
                    + ": SHA-1 appears to be part of a collision attack: " + hashed.name(), e.getMessage());
        });
    }

    @Test
    void withoutTheAttackOrWithoutDetectionThatEntryIsNoCollision() throws Exception {
        onFirstEntry("history", (pack, rev, id, type, data) -> {
            // The same object on a fresh detecting digest passes.
            idCheck(pack, rev, ObjectFormat.SHA1.idDigest(true)).resolved(0, type.code(), data, data.length, 0, data.length);
            // The plain digest after the shattered blocks sees only a wrong id.
            MessageDigest plain = ObjectFormat.SHA1.idDigest(false);
            assertFalse(plain instanceof CollisionDetectingSha1);
            plain.update(CollisionDetectingSha1Test.shattered1());
            CorruptPackException e = assertThrows(CorruptPackException.class,
                    () -> idCheck(pack, rev, plain).resolved(0, type.code(), data, data.length, 0, data.length));
            assertFalse(e instanceof Sha1CollisionException);
            assertTrue(e.getMessage().contains("but the index names it " + id.name()), e.getMessage());
        });
    }

    @Test
    void sha256PacksKeepTheJdkDigest() {
        assertFalse(ObjectFormat.SHA256.idDigest(true) instanceof CollisionDetectingSha1);
        assertTrue(ObjectFormat.SHA1.idDigest(true) instanceof CollisionDetectingSha1);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void detectionOnAndOffVerifyAlikeAsGitDoes(String fixture) throws Exception {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture))) {
            for (PackFile p : db.packs()) {
                List<PackVerifier.Entry> on = new ArrayList<>();
                List<PackVerifier.Entry> off = new ArrayList<>();
                PackVerifier.Result ron = PackVerifier.verify(db, p, 2, on::add);
                PackVerifier.Result roff = PackVerifier.verify(db, p, 2, off::add, PackVerifier.CollisionDetection.OFF);
                assertEquals(on, off, p.toString());
                assertEquals(ron.objects(), roff.objects());
                assertEquals(ron.nonDelta(), roff.nonDelta());
                assertArrayEquals(ron.chainLengths(), roff.chainLengths());
                assertEquals(p.objectCount(), on.size());
                PackVerifier.Result rpath = PackVerifier.verify(db.manager(), p.indexPath(), p.format, 1, null,
                        null, PackVerifier.CollisionDetection.ON);
                assertArrayEquals(ron.chainLengths(), rpath.chainLengths());
                if (GitBatch.gitAvailable()) {
                    assertEquals(gitVerifyPack(Fixtures.repo(fixture), p), on.stream().map(PackVerifierCollisionTest::line).toList(), p.toString());
                }
            }
        }
        assumeTrue(GitBatch.gitAvailable(), "git not installed: compared on and off only");
    }

    /** An entry as {@code git verify-pack -v} lists it, spaces squeezed. */
    private static String line(PackVerifier.Entry e) {
        return e.id().name() + " " + e.type().typeName() + " " + e.size() + " " + e.sizeInPack() + " " + e.offset()
                + (e.base() == null ? "" : " " + e.depth() + " " + e.base().name());
    }

    /** git's object lines for {@code p}, spaces squeezed. */
    private static List<String> gitVerifyPack(Path gitDir, PackFile p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("git", "--git-dir=" + gitDir, "verify-pack", "-v", p.indexPath().toString())
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.matches("^[0-9a-f]{40,64} .*")) {
                lines.add(l.replaceAll(" +", " "));
            }
        }
        return lines;
    }
}
