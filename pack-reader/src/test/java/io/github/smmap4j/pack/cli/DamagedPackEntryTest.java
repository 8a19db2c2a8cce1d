package io.github.smmap4j.pack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.pack.GitBatch;
import io.github.smmap4j.pack.ObjectType;
import io.github.smmap4j.pack.PackSurgery;
import io.github.smmap4j.pack.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One damaged entry inside an otherwise usable pack, each kind of damage against every batch mode
 * and {@code -t -s -e -p}, compared with git byte for byte (stdout and exit code). git prints an
 * object whose type or size no copy gives as missing and goes on; one whose header reads but whose
 * content does not gets its header line, then the batch dies; a damaged copy is passed over for
 * another pack's or the loose one.
 */
class DamagedPackEntryTest {
    static final String FULL = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @BeforeAll
    static void needGit() {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
    }

    /** What is damaged, and how. */
    enum Damage {
        ZLIB_WHOLE(Target.SMALL), ZLIB_HEADER(Target.SMALL), ZLIB_BASE(Target.BASE), ZLIB_DELTA(Target.DELTA),
        DELTA_BASE_SIZE(Target.DELTA), DELTA_OPCODE(Target.DELTA), OFS_BEFORE_PACK(Target.DELTA),
        OFS_INTO_ENTRY(Target.DELTA), TYPE_0(Target.SMALL), TYPE_5(Target.SMALL), TYPE_0_BASE(Target.BASE),
        SIZE_TOO_BIG(Target.SMALL);

        final Target target;

        Damage(Target target) {
            this.target = target;
        }

        /** git reads only the type for -t; here the size must read too (README, differences). */
        boolean typeOnlyReadable() {
            return this == ZLIB_DELTA;
        }

        /**
         * git's -s prints the size of an entry whose own type code is invalid; here that entry is
         * refused (README, differences). A delta whose base is damaged (OFS_INTO_ENTRY) reads as in
         * git: -s reads no base.
         */
        boolean sizeOnlyReadable() {
            return this == TYPE_0 || this == TYPE_5 || this == TYPE_0_BASE;
        }
    }

    /** The entry damaged: a small whole blob, the base of the deltas, or one of the deltas. */
    enum Target { SMALL, BASE, DELTA }

    /** Three similar files (two stored as OFS deltas of the third) and a small one, in one pack. */
    private static TestRepo repo(Path tmp, String name) {
        TestRepo r = TestRepo.init(tmp, name);
        StringBuilder base = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            base.append("line ").append(i).append(' ').append("x".repeat(i % 50)).append('\n');
        }
        String text = base.toString();
        r.write("a.txt", text);
        r.write("b.txt", text.replace("line 7 ", "LINE 7 "));
        r.write("c.txt", text.replace("line 300 ", "LINE 300 ") + "tail\n");
        r.write("small.txt", "small file\n");
        r.git("add", ".");
        r.git("commit", "-q", "-m", "one");
        r.git("repack", "-adfq", "--depth=10", "--window=10");
        return r;
    }

    private static PackSurgery.Entry target(PackSurgery s, Target t) {
        return s.entries.stream().filter(e -> switch (t) {
            case SMALL -> e.typeCode() == ObjectType.BLOB.code() && e.size() < 16;
            case BASE -> e.typeCode() == ObjectType.BLOB.code() && e.size() > 1000;
            case DELTA -> e.typeCode() == ObjectType.OFS_DELTA;
        }).findFirst().orElseThrow();
    }

    /** Damages entry {@code e} of {@code s} in memory as {@code d} says. */
    private static void damage(PackSurgery s, PackSurgery.Entry e, Damage d) throws IOException {
        byte[] p = s.pack;
        int at = (int) e.offset();
        int data = (int) e.dataOffset();
        switch (d) {
            case ZLIB_WHOLE, ZLIB_BASE, ZLIB_DELTA -> p[data + 4] ^= 0x55;
            case ZLIB_HEADER -> p[data] ^= (byte) 0xff;
            case TYPE_0, TYPE_0_BASE -> p[at] = (byte) (p[at] & 0x8f);
            case TYPE_5 -> p[at] = (byte) ((p[at] & 0x8f) | (5 << 4));
            case SIZE_TOO_BIG -> p[at] = (byte) ((p[at] & 0xf0) | ((p[at] & 15) + 1));
            case OFS_BEFORE_PACK -> putOfs(p, e, e.offset() + 100);
            case OFS_INTO_ENTRY -> putOfs(p, e, e.offset() - (e.baseOffset() + 1));
            case DELTA_BASE_SIZE -> { // valid zlib; the delta claims a base of 5 bytes
                int n = (int) e.size();
                byte[] delta = new byte[3 + n];
                delta[0] = 5;
                delta[1] = (byte) n;
                delta[2] = (byte) n; // insert n bytes
                put(p, e, TestRepo.deflate(delta));
            }
            case DELTA_OPCODE -> { // valid zlib; the first instruction is the reserved opcode 0
                byte[] delta = inflate(p, data, (int) e.size());
                int i = 0;
                for (int varint = 0; varint < 2; varint++) {
                    while ((delta[i] & 0x80) != 0) {
                        i++;
                    }
                    i++;
                }
                delta[i] = 0;
                put(p, e, TestRepo.deflate(delta));
            }
        }
    }

    /** Rewrites the OFS_DELTA base distance of {@code e} (same encoded length). */
    private static void putOfs(byte[] p, PackSurgery.Entry e, long rel) {
        int start = (int) e.offset();
        while ((p[start] & 0x80) != 0) {
            start++;
        }
        start++;
        int len = (int) e.dataOffset() - start;
        byte[] enc = new byte[len];
        enc[len - 1] = (byte) (rel & 0x7f);
        for (int i = len - 2; i >= 0; i--) {
            rel = (rel >>> 7) - 1;
            enc[i] = (byte) (0x80 | (rel & 0x7f));
        }
        assertEquals(0, rel >>> 7, "distance does not fit the entry's " + len + " bytes");
        System.arraycopy(enc, 0, p, start, len);
    }

    private static void put(byte[] p, PackSurgery.Entry e, byte[] z) {
        assertTrue(e.headerLength() + z.length <= e.length(), "new data does not fit the entry");
        System.arraycopy(z, 0, p, (int) e.dataOffset(), z.length);
    }

    private static byte[] inflate(byte[] p, int from, int size) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(p, from, p.length - from);
            byte[] out = new byte[size];
            int n = 0;
            while (n < size && !inf.finished()) {
                n += inf.inflate(out, n, size - n);
            }
            return out;
        } catch (DataFormatException ex) {
            throw new IOException(ex);
        } finally {
            inf.end();
        }
    }

    /**
     * Every batch mode and single-object command on {@code id} and one good object, against git;
     * with {@code otherCopy}, a good copy of the object is in another pack or loose.
     */
    private static List<CliRunner.Run> compareAll(TestRepo r, String id, Damage d, boolean otherCopy) {
        String good = r.git("rev-parse", "HEAD");
        String in = id + "\n" + good + "\n";
        List<CliRunner.Run> runs = new ArrayList<>();
        runs.add(GitCompare.same(r.dir, in, "cat-file", "--batch-check"));
        runs.add(GitCompare.same(r.dir, in, "cat-file", "--batch-check=%(objectname)"));
        runs.add(GitCompare.same(r.dir, in, "cat-file", FULL));
        runs.add(GitCompare.same(r.dir, in, "cat-file", "--batch"));
        runs.add(GitCompare.same(r.dir, "info " + id + "\ncontents " + id + "\ninfo " + good + "\n", "cat-file", "--batch-command"));
        for (String order : new String[] {"--batch-all-objects", "--unordered"}) {
            List<String> all = order.equals("--unordered") ? List.of("--batch-all-objects", "--unordered") : List.of(order);
            for (String mode : new String[] {"--batch-check", FULL, "--batch", "--batch=%(objectname) %(objectsize:disk)",
                    "--batch-check=%(objectname)"}) {
                if (d.typeOnlyReadable() && mode.startsWith("--batch=")) {
                    continue; // git needs no size here, so reads this entry's type and disk size: README, differences
                }
                List<String> args = new ArrayList<>(List.of("cat-file"));
                args.addAll(all);
                args.add(mode);
                runs.add(GitCompare.same(r.dir, null, args.toArray(String[]::new)));
            }
        }
        runs.add(GitCompare.same(r.dir, null, "cat-file", "-e", id));
        runs.add(GitCompare.same(r.dir, null, "cat-file", "-p", id));
        if (otherCopy || !d.typeOnlyReadable()) {
            runs.add(GitCompare.same(r.dir, null, "cat-file", "-t", id));
        }
        if (otherCopy || !d.sizeOnlyReadable()) {
            runs.add(GitCompare.same(r.dir, null, "cat-file", "-s", id));
        }
        for (CliRunner.Run run : runs) {
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        }
        return runs;
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedEntryIsReportedAsGitReportsIt(Damage d, @TempDir Path tmp) throws IOException {
        TestRepo r = repo(tmp, "r");
        PackSurgery s = PackSurgery.at(r.gitDir);
        PackSurgery.Entry e = target(s, d.target);
        damage(s, e, d);
        s.write();
        List<CliRunner.Run> runs = compareAll(r, e.id().name(), d, false);
        CliRunner.Run check = runs.getFirst();
        if (check.text().startsWith(e.id().name() + " missing")) { // the error names the object
            assertTrue(check.err().contains("error: ") && check.err().contains(e.id().name()), check.err());
        }
        CliRunner.Run batch = runs.get(3);
        if (batch.code() == 128) {
            assertTrue(batch.err().contains("fatal: packed object " + e.id().name()), batch.err());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"ZLIB_WHOLE", "ZLIB_DELTA", "TYPE_0", "DELTA_OPCODE"})
    void aLooseCopyIsReadInstead(Damage d, @TempDir Path tmp) throws IOException {
        TestRepo r = repo(tmp, "r");
        PackSurgery s = PackSurgery.at(r.gitDir);
        PackSurgery.Entry e = target(s, d.target);
        byte[] content = TestRepo.run(r.dir, null, "cat-file", "blob", e.id().name()).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        damage(s, e, d);
        s.write();
        ByteArrayOutputStream loose = new ByteArrayOutputStream();
        loose.writeBytes(TestRepo.bytes("blob " + content.length + "\0"));
        loose.writeBytes(content);
        r.writeLoose(e.id().name(), TestRepo.deflate(loose.toByteArray()));
        for (CliRunner.Run run : compareAll(r, e.id().name(), d, true)) {
            assertEquals(0, run.code(), run.err());
        }
    }

    @Test
    void anotherPacksCopyIsReadInstead(@TempDir Path tmp) throws IOException, InterruptedException {
        for (Damage d : new Damage[] {Damage.TYPE_0, Damage.ZLIB_WHOLE}) {
            TestRepo r = repo(tmp, d.name());
            PackSurgery s = PackSurgery.at(r.gitDir);
            PackSurgery.Entry e = target(s, d.target);
            r.git((e.id().name() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "pack-objects", "-q", ".git/objects/pack/pack");
            damage(s, e, d);
            s.write(); // the damaged pack is now the newest: git and we look there first
            Path pack = r.gitDir.resolve("objects/pack");
            try (var files = Files.list(pack)) {
                long now = System.currentTimeMillis();
                for (Path f : files.toList()) {
                    boolean damaged = f.getFileName().toString().startsWith(s.idxPath.getFileName().toString().replace(".idx", ""));
                    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(now + (damaged ? 0 : -60_000)));
                }
            }
            compareAll(r, e.id().name(), d, true);
            CliRunner.Run batch = GitCompare.same(r.dir, e.id().name() + "\n", "cat-file", "--batch");
            assertEquals(0, batch.code(), batch.err());
        }
    }
}
