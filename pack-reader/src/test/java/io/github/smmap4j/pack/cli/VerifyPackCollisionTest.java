package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smmap4j.pack.CorruptPackException;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.Sha1CollisionException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code verify-pack}'s {@code fatal:} line for an object of a SHA-1 collision attack is git's
 * (sha1dc_git.c: {@code die("SHA-1 appears to be part of a collision attack: %s", hex)}); no git
 * object can carry the attack's blocks where they collide, so the exception is made here.
 */
class VerifyPackCollisionTest {
    @Test
    void aCollisionAttackIsReportedInGitsWords() {
        ObjectId id = ObjectId.fromHex("f92d74e3874587aaf443d1db961d4e26dde13e9c");
        Sha1CollisionException e = new Sha1CollisionException(Path.of("objects/pack/x.pack"), 12, id);
        assertEquals("SHA-1 appears to be part of a collision attack: f92d74e3874587aaf443d1db961d4e26dde13e9c",
                VerifyPackCommand.fatalMessage(e, "objects/pack/x.pack"));
    }

    @Test
    void otherFailuresKeepTheirMessages() {
        CorruptPackException e = new CorruptPackException(Path.of("x.pack"), 12, "bad");
        assertEquals("x.pack at offset 12: bad", VerifyPackCommand.fatalMessage(e, "x.pack"));
        assertEquals("Cannot open existing pack file 'x.pack' (x.pack: No such file or directory)",
                VerifyPackCommand.fatalMessage(new NoSuchFileException("x.pack"), "x.pack"));
    }
}
