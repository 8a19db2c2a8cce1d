package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the {@code pack} directories of a database's object directories hold at one moment, as
 * far as a scan is concerned: each one's modification time and the names of its {@code .idx}
 * and {@code .pack} files, sorted. A scan lists the indexes of one snapshot; an equal snapshot
 * taken after it shows that the directories held still meanwhile (git renamed or deleted
 * nothing), so that the scan saw every pack there was. Either check alone can be fooled (a
 * coarse file-system clock, a listing that is not atomic); both together would need git to
 * change a directory twice within one clock tick and within one listing.
 *
 * @param times each pack directory's modification time, null where there is none
 * @param names each pack directory's {@code .idx} and {@code .pack} file names, sorted
 */
record PackDirSnapshot(List<Object> times, List<TreeSet<String>> names) {
    /** Takes a snapshot of the {@code pack} directories of {@code objectDirs}. */
    static PackDirSnapshot take(List<Path> objectDirs) throws IOException {
        List<Object> times = times(objectDirs);
        List<TreeSet<String>> names = new ArrayList<>();
        for (Path d : objectDirs) {
            TreeSet<String> in = new TreeSet<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.resolve("pack"))) {
                for (Path f : ds) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".idx") || n.endsWith(".pack")) {
                        in.add(n);
                    }
                }
            } catch (NoSuchFileException | java.nio.file.NotDirectoryException none) {
                // no pack directory (yet)
            }
            names.add(in);
        }
        return new PackDirSnapshot(times, names);
    }

    /** Each pack directory's modification time (null where there is none): a cheap look for a change. */
    static List<Object> times(List<Path> objectDirs) {
        List<Object> times = new ArrayList<>();
        for (Path d : objectDirs) {
            try {
                times.add(Files.getLastModifiedTime(d.resolve("pack")));
            } catch (IOException e) {
                times.add(null); // no pack directory (yet)
            }
        }
        return times;
    }

    /** The {@code .idx} files of the {@code k}-th directory, {@code packDir}, in name order. */
    List<Path> indexes(int k, Path packDir) {
        List<Path> out = new ArrayList<>();
        for (String n : names.get(k)) {
            if (n.endsWith(".idx")) {
                out.add(packDir.resolve(n));
            }
        }
        return out;
    }
}
