package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One git config file, parsed as git's {@code config.c} does: {@code [section]},
 * {@code [section "subsection"]} and legacy {@code [section.subsection]} headers, keys with or
 * without {@code = value}, quotes, the escapes {@code \" \\ \n \t \b}, line continuations and
 * {@code #}/{@code ;} comments. Section and key names are case-insensitive (kept lowercased),
 * subsection names are not. Include directives are not followed (git does not follow them when
 * it reads a repository's format either). Immutable.
 */
public final class GitConfig {
    /**
     * One {@code key = value} line.
     *
     * @param key   {@code section.key} or {@code section.subsection.key}, section and key lowercased
     * @param value the value, or null for a key written without {@code =} (a boolean true)
     * @param line  the 1-based line the entry starts on
     */
    public record Entry(String key, String value, int line) {
    }

    private static final GitConfig EMPTY = new GitConfig(null, List.of());

    private final Path file;
    private final List<Entry> entries;

    private GitConfig(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Returns a config with no entries. */
    public static GitConfig empty() {
        return EMPTY;
    }

    /**
     * Reads {@code file}; a missing file reads as an empty config.
     *
     * @throws RepositoryFormatException if a line is malformed ("bad config line N in file F", as git)
     * @throws CorruptPackException naming the file if it is longer than 1 GiB (read no further)
     */
    public static GitConfig read(Path file) throws IOException {
        return read(file, DatabaseOptions.DEFAULT_MAX_METADATA_FILE);
    }

    /** Reads {@code file} as {@link #read(Path)} does, refusing one longer than {@code maxBytes}. */
    static GitConfig read(Path file, long maxBytes) throws IOException {
        byte[] b;
        try {
            b = Limits.readWhole(file, maxBytes);
        } catch (NoSuchFileException e) {
            return new GitConfig(file, List.of());
        }
        return new GitConfig(file, new Parser(b, file).parse());
    }

    /** Returns the file this config was read from (null for {@link #empty()}). */
    public Path file() {
        return file;
    }

    /** Returns every entry in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Returns the last value of {@code key} (case-insensitive section and key; a key written
     * without {@code =} reads as the empty string here, as true in {@link #getBoolean}).
     */
    public Optional<String> get(String key) {
        Entry e = last(key);
        return e == null ? Optional.empty() : Optional.of(e.value == null ? "" : e.value);
    }

    /**
     * Returns the last value of {@code key} as git's {@code git_config_bool} reads it (no value,
     * true/yes/on or a non-zero number: true; the empty string, false/no/off or 0: false), or
     * {@code dflt} when the key is absent.
     *
     * @throws RepositoryFormatException if the value is not a boolean ("bad boolean config value")
     */
    public boolean getBoolean(String key, boolean dflt) throws RepositoryFormatException {
        Entry e = last(key);
        return e == null ? dflt : parseBoolean(e);
    }

    private Entry last(String key) {
        String k = canonicalKey(key);
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).key.equals(k)) {
                return entries.get(i);
            }
        }
        return null;
    }

    /** Lowercases the section (up to the first dot) and the key (after the last dot), not a subsection. */
    static String canonicalKey(String key) {
        int first = key.indexOf('.');
        int last = key.lastIndexOf('.');
        if (first < 0) {
            return key.toLowerCase(Locale.ROOT);
        }
        return key.substring(0, first).toLowerCase(Locale.ROOT) + key.substring(first, last)
                + key.substring(last).toLowerCase(Locale.ROOT);
    }

    /** git's {@code git_config_bool} on one entry. */
    static boolean parseBoolean(Entry e) throws RepositoryFormatException {
        String v = e.value;
        if (v == null) {
            return true;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "", "false", "no", "off" -> {
                return false;
            }
            default -> {
                Long n = parseNumber(v);
                if (n == null) {
                    throw new RepositoryFormatException("bad boolean config value '" + v + "' for '" + e.key + "'");
                }
                return n != 0;
            }
        }
    }

    /** git's {@code git_config_int} on one entry of this file. */
    long parseInt(Entry e) throws RepositoryFormatException {
        Long n = e.value == null ? null : parseNumber(e.value);
        if (n == null || n != (int) (long) n) {
            throw new RepositoryFormatException("bad numeric config value '" + (e.value == null ? "" : e.value)
                    + "' for '" + e.key + "' in file " + file + ": " + (n == null ? "invalid unit" : "out of range"));
        }
        return n;
    }

    /** strtoimax(value, base 0) with git's unit suffixes k, m, g; null if malformed. */
    private static Long parseNumber(String v) {
        String s = v.stripLeading();
        long unit = 1;
        if (!s.isEmpty()) {
            switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
            if (unit != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        boolean neg = s.startsWith("-");
        if (neg || s.startsWith("+")) {
            s = s.substring(1);
        }
        int radix = 10;
        if (s.length() > 1 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(s, radix);
            return Math.multiplyExact(neg ? -n : n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** The character-level parser of config.c. */
    private static final class Parser {
        private final byte[] b;
        private final Path file;
        private int pos;
        private int line = 1;
        private boolean eof;
        private final List<Entry> out = new ArrayList<>();

        Parser(byte[] b, Path file) {
            this.b = b;
            this.file = file;
            if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
                pos = 3; // a UTF-8 byte order mark
            }
        }

        /** The next character: '\r\n' reads as '\n', the end of the file as '\n' once more. */
        private int next() {
            if (pos >= b.length) {
                eof = true;
                return '\n';
            }
            int c = b[pos++] & 0xff;
            if (c == '\r' && pos < b.length && b[pos] == '\n') {
                c = b[pos++];
            }
            if (c == '\n') {
                line++;
            }
            return c;
        }

        private RepositoryFormatException bad() {
            return new RepositoryFormatException("bad config line " + (eof ? line - 1 : line) + " in file " + file);
        }

        List<Entry> parse() throws RepositoryFormatException {
            boolean comment = false;
            String section = null;
            while (true) {
                int c = next();
                if (c == '\n') {
                    if (eof) {
                        return List.copyOf(out);
                    }
                    comment = false;
                    continue;
                }
                if (comment || c == ' ' || c == '\t') {
                    continue;
                }
                if (c == '#' || c == ';') {
                    comment = true;
                    continue;
                }
                if (c == '[') {
                    section = sectionName();
                    continue;
                }
                if (!Character.isLetter(c) || c > 0x7f) {
                    throw bad();
                }
                int start = line;
                StringBuilder key = new StringBuilder().append((char) Character.toLowerCase(c));
                String value = keyAndValue(key);
                out.add(new Entry(section == null ? key.toString() : section + "." + key, value, start));
            }
        }

        private static boolean isKeyChar(int c) {
            return c < 0x80 && (Character.isLetterOrDigit(c) || c == '-');
        }

        private String sectionName() throws RepositoryFormatException {
            StringBuilder name = new StringBuilder();
            while (true) {
                int c = next();
                if (eof) {
                    throw bad();
                }
                if (c == ']' || c == ' ' || c == '\t') {
                    if (name.isEmpty()) {
                        throw bad();
                    }
                    return c == ']' ? name.toString() : subsection(name);
                }
                if (!isKeyChar(c) && c != '.') {
                    throw bad();
                }
                name.append((char) Character.toLowerCase(c));
            }
        }

        private String subsection(StringBuilder name) throws RepositoryFormatException {
            int c;
            do {
                c = next();
            } while (c == ' ' || c == '\t');
            if (c != '"') {
                throw bad();
            }
            name.append('.');
            java.io.ByteArrayOutputStream sub = new java.io.ByteArrayOutputStream();
            while ((c = next()) != '"') {
                if (c == '\n') {
                    throw bad();
                }
                if (c == '\\') {
                    c = next();
                    if (c == '\n') {
                        throw bad();
                    }
                }
                sub.write(c);
            }
            if (next() != ']') {
                throw bad();
            }
            return name + sub.toString(StandardCharsets.UTF_8);
        }

        /** Reads the rest of a key, then its value (null when there is no '='). */
        private String keyAndValue(StringBuilder key) throws RepositoryFormatException {
            int c;
            while (true) {
                c = next();
                if (eof || !isKeyChar(c)) {
                    break;
                }
                key.append((char) Character.toLowerCase(c));
            }
            while (c == ' ' || c == '\t') {
                c = next();
            }
            if (c == '\n') {
                return null;
            }
            if (c != '=') {
                throw bad();
            }
            return value();
        }

        private String value() throws RepositoryFormatException {
            java.io.ByteArrayOutputStream v = new java.io.ByteArrayOutputStream();
            boolean quote = false;
            boolean comment = false;
            int spaces = 0;
            while (true) {
                int c = next();
                if (c == '\n') {
                    if (quote) {
                        throw bad();
                    }
                    return v.toString(StandardCharsets.UTF_8);
                }
                if (comment) {
                    continue;
                }
                if ((c == ' ' || c == '\t') && !quote) {
                    if (v.size() > 0) {
                        spaces++;
                    }
                    continue;
                }
                if (!quote && (c == ';' || c == '#')) {
                    comment = true;
                    continue;
                }
                for (; spaces > 0; spaces--) {
                    v.write(' ');
                }
                if (c == '\\') {
                    c = next();
                    switch (c) {
                        case '\n' -> {
                            if (eof) {
                                throw bad();
                            }
                            continue;
                        }
                        case 't' -> c = '\t';
                        case 'b' -> c = '\b';
                        case 'n' -> c = '\n';
                        case '\\', '"' -> { }
                        default -> throw bad();
                    }
                    v.write(c);
                    continue;
                }
                if (c == '"') {
                    quote = !quote;
                    continue;
                }
                v.write(c);
            }
        }
    }
}
