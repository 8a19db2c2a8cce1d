package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The whole-process benchmark: each command run by {@code git} 2.39 and by the {@code ./smmap4j}
 * launcher (JVM start-up, AOT cache and all), alternating which goes first, output read through
 * a pipe and checksummed (CRC32C and length, cheap enough not to slow either side); both outputs
 * must match, or the run fails. Reports the
 * median wall time, min–max, the ratio git / smmap4j and each one's peak RSS (GNU time's
 * {@code %M}, when /usr/bin/time exists). Run through {@code PackBench --cli}.
 */
final class CliBench {
    private CliBench() {
    }

    /** One measurement: wall seconds, peak RSS in kB (-1 if unknown), the output's CRC32C and length. */
    private record Run(double seconds, long rssKb, String digest) {
    }

    static int run(String[] args) throws Exception {
        Path repo = Fixtures.repo("history");
        int rounds = 3;
        Path out = null;
        String name = null; // the repository's name in the chart's title
        List<String> skip = List.of(); // numbers (1-based) of commands to leave out
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                case "--skip" -> skip = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path launcher = Fixtures.projectRoot().resolve("smmap4j");
        Path idx;
        try (var s = Files.list(repo.resolve(Files.isDirectory(repo.resolve(".git")) ? ".git/objects/pack" : "objects/pack"))) {
            idx = s.filter(f -> f.toString().endsWith(".idx")).sorted().findFirst().orElseThrow();
        }
        List<List<String>> commands = List.of(
                List.of("cat-file", "--batch-all-objects", "--unordered", "--batch"),
                List.of("cat-file", "--batch-all-objects", "--batch"),
                List.of("cat-file", "--batch-all-objects", "--unordered", "--batch-check"),
                List.of("cat-file", "--batch-all-objects", "--batch-check"),
                List.of("verify-pack", "-v", idx.toString()),
                List.of("cat-file", "-p", "HEAD"),
                List.of("cat-file", "-t", "HEAD"));
        List<RatioChart.Bar> bars = new ArrayList<>();
        StringBuilder table = new StringBuilder("| command | git s | smmap4j s | git / smmap4j | git RSS MB | smmap4j RSS MB |\n|---|---:|---:|---:|---:|---:|\n");
        run(launcher, repo, List.of("cat-file", "-t", "HEAD"), "smmap4j"); // the launcher's first run makes the jar's AOT cache
        for (int c = 0; c < commands.size(); c++) {
            List<String> cmd = commands.get(c);
            if (skip.contains(Integer.toString(c + 1))) {
                continue;
            }
            List<Run> git = new ArrayList<>();
            List<Run> ours = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean gitFirst = r % 2 == 0;
                Run a = run(launcher, repo, cmd, gitFirst ? "git" : "smmap4j");
                Run b = run(launcher, repo, cmd, gitFirst ? "smmap4j" : "git");
                git.add(gitFirst ? a : b);
                ours.add(gitFirst ? b : a);
                if (!git.getLast().digest().equals(ours.getLast().digest())) {
                    System.out.println("OUTPUT DIFFERS from git's: " + String.join(" ", cmd));
                    return 1;
                }
                System.out.printf(Locale.ROOT, "round %d %-60s git %8.3f s  smmap4j %8.3f s%n", r + 1,
                        String.join(" ", cmd), git.getLast().seconds(), ours.getLast().seconds());
            }
            double g = median(git);
            double o = median(ours);
            table.append(String.format(Locale.ROOT, "| `%s` | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) | %.2f× | %d | %d |%n",
                    String.join(" ", cmd).replace(idx.toString(), "<pack>.idx"), g, min(git), max(git), o, min(ours), max(ours),
                    g / o, maxRss(git) / 1024, maxRss(ours) / 1024));
            bars.add(new RatioChart.Bar(String.join(" ", cmd).replace(idx.toString(), "<pack>.idx"), g / o));
        }
        System.out.println();
        System.out.print(table);
        if (out != null) {
            Files.createDirectories(out);
            String suffix = name != null ? "-" + name : "";
            Files.writeString(out.resolve("cli-vs-git" + suffix + ".md"), PackBench.machine() + "repository: " + repo + "\n\n" + table);
            Files.writeString(out.resolve("cli-ratios" + suffix + ".svg"), RatioChart.svg(
                    "whole process, " + (name != null ? name : repo.getFileName()) + ": git's time / smmap4j's (higher = smmap4j faster)", bars));
        }
        return 0;
    }

    /** Runs {@code cmd} with git or the launcher, reading its stdout through a pipe into a hash. */
    private static Run run(Path launcher, Path repo, List<String> cmd, String who) throws Exception {
        List<String> argv = new ArrayList<>();
        boolean time = Files.isExecutable(Path.of("/usr/bin/time"));
        Path rssFile = Files.createTempFile("clibench", ".rss");
        if (time) {
            argv.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rssFile.toString()));
        }
        if (who.equals("git")) {
            argv.addAll(List.of("git", "-C", repo.toString()));
        } else {
            argv.addAll(List.of(launcher.toString(), cmd.getFirst().equals("verify-pack") ? "verify-pack" : cmd.getFirst(),
                    "-C", repo.toString()));
        }
        argv.addAll(who.equals("git") ? cmd : cmd.subList(1, cmd.size()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("SMMAP4J_NO_PROGRESS", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        // CRC32C (a JIT intrinsic, > 10 GB/s) and the length: the reader must not take a core of
        // the two from the command measured, as SHA-256 (~1.5 GB/s over 14 GB) did.
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long length = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                length += n;
            }
        }
        int rc = p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IOException(who + " " + cmd + " exited " + rc);
        }
        long rss = -1;
        if (time) {
            String t = Files.readString(rssFile, StandardCharsets.US_ASCII).strip();
            rss = t.isEmpty() ? -1 : Long.parseLong(t.substring(t.lastIndexOf('\n') + 1).strip());
        }
        Files.deleteIfExists(rssFile);
        return new Run(s, rss, Long.toHexString(crc.getValue()) + ":" + length);
    }

    private static double median(List<Run> runs) {
        double[] s = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(List<Run> runs) {
        return runs.stream().mapToDouble(Run::seconds).min().orElse(0);
    }

    private static double max(List<Run> runs) {
        return runs.stream().mapToDouble(Run::seconds).max().orElse(0);
    }

    private static long maxRss(List<Run> runs) {
        return runs.stream().mapToLong(Run::rssKb).max().orElse(-1);
    }
}
