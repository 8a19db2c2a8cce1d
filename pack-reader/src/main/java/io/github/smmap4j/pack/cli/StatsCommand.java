package io.github.smmap4j.pack.cli;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectHeader;
import io.github.smmap4j.pack.ObjectId;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.ObjectType;
import io.github.smmap4j.pack.PackFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stats}: a {@code count-objects}-style summary of a repository (packs, loose objects,
 * distinct objects per type, bytes) and the map manager's statistics after reading every
 * object's header through it.
 */
final class StatsCommand {
    static final String USAGE = """
            usage: smmap4j stats [<repo options>]

                -h, --help            show this help

            Prints the packs, loose objects, distinct objects per type, bytes on disk, and the
            map manager's statistics after every object's header was read.

            """ + RepoOptions.HELP;

    private StatsCommand() {
    }

    static int run(List<String> argv, Cli cli) throws IOException {
        Args a = new Args(argv, USAGE);
        try (RepoOptions repo = new RepoOptions(cli.cwd())) {
            while (a.next()) {
                if (a.is("-h", "--help")) {
                    return Main.help(cli, USAGE, a);
                } else if (a.is("-v", "--verbose")) {
                    // count-objects compatibility: the summary is always verbose
                } else if (repo.accept(a)) {
                    // shared option
                } else if (a.isOption()) {
                    throw a.unknown();
                } else {
                    throw CliException.usage(null, USAGE);
                }
            }
            ObjectDatabase db = repo.open();
            StringBuilder sb = new StringBuilder();
            sb.append("repository: ").append(db.gitDir()).append('\n');
            sb.append("object-format: ").append(db.format().configName()).append('\n');
            long packBytes = 0;
            long idxBytes = 0;
            long inPack = 0;
            List<PackFile> packs = db.packs();
            for (PackFile p : packs) {
                packBytes += p.size();
                idxBytes += Files.size(p.indexPath());
                inPack += p.objectCount();
            }
            List<ObjectId> loose = new ArrayList<>();
            db.forEachLooseId(loose::add);
            long looseBytes = 0;
            for (ObjectId id : loose) {
                looseBytes += db.info(id).diskSize();
            }
            long[] perType = new long[5];
            long[] bytesPerType = new long[5];
            long[] total = {0};
            long start = System.nanoTime();
            try (ObjectReader r = db.newReader()) {
                db.forEachId(id -> {
                    try {
                        ObjectHeader h = r.header(id);
                        perType[h.type().code()]++;
                        bytesPerType[h.type().code()] += h.size();
                        total[0]++;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            sb.append("packs: ").append(packs.size()).append('\n');
            for (PackFile p : packs) {
                sb.append("  ").append(p.packPath()).append(": ").append(p.objectCount()).append(" objects, ")
                        .append(p.size()).append(" bytes, index v").append(p.indexVersion()).append('\n');
            }
            sb.append("in-pack: ").append(inPack).append('\n');
            sb.append("size-pack: ").append(packBytes).append(" bytes (+ ").append(idxBytes).append(" bytes of index)\n");
            sb.append("loose: ").append(loose.size()).append('\n');
            sb.append("size-loose: ").append(looseBytes).append(" bytes\n");
            sb.append("objects: ").append(total[0]).append(" distinct\n");
            for (ObjectType t : ObjectType.values()) {
                sb.append("  ").append(t.typeName()).append(": ").append(perType[t.code()]).append(" objects, ")
                        .append(bytesPerType[t.code()]).append(" bytes inflated\n");
            }
            sb.append("header-scan: ").append(ms).append(" ms\n");
            ManagerStats s = repo.manager().stats();
            sb.append("manager: ").append(repo.manager().getClass().getSimpleName()).append('\n');
            sb.append("  window-size: ").append(s.windowSize()).append('\n');
            sb.append("  max-mapped-memory: ").append(s.maxMappedMemory()).append('\n');
            sb.append("  max-open-regions: ").append(s.maxOpenRegions()).append('\n');
            sb.append("  open-files: ").append(s.openFiles()).append('\n');
            sb.append("  open-regions: ").append(s.openRegions()).append('\n');
            sb.append("  mapped-bytes: ").append(s.mappedBytes()).append('\n');
            sb.append("  region-hits: ").append(s.regionHits()).append('\n');
            sb.append("  region-maps: ").append(s.regionMaps()).append('\n');
            sb.append("  region-unmaps: ").append(s.regionUnmaps()).append('\n');
            sb.append("  limit-overruns: ").append(s.limitOverruns()).append('\n');
            sb.append("  map-retries: ").append(s.mapRetries()).append('\n');
            sb.append("  stale-files: ").append(s.staleFiles()).append('\n');
            sb.append("  read-throughs: ").append(s.readThroughs()).append('\n');
            cli.out().write(sb.toString().getBytes(StandardCharsets.UTF_8));
            return 0;
        }
    }
}
