package io.github.smmap4j.pack;

import java.util.ArrayList;
import java.util.List;

/**
 * git's check of a repository's format ({@code setup.c}: {@code check_repo_format},
 * {@code verify_repository_format}), made when a database is opened: version 2 and later are
 * refused; under version 1 every extension must be one this library understands; under version
 * 0 the extensions that need version 1 are refused and unknown ones are ignored.
 *
 * <p>Understood under any version: {@code noop}, {@code preciousObjects}, {@code partialClone}
 * (objects a promisor remote would supply are missing here), {@code worktreeConfig}. Version 1
 * only: {@code noop-v1}, {@code objectFormat} ({@code sha1}, {@code sha256}).
 */
final class RepositoryFormat {
    /** The highest {@code core.repositoryformatversion} git 2.39 (and this library) reads. */
    static final int MAX_VERSION = 1;

    private RepositoryFormat() {
    }

    /**
     * Checks a repository's {@code config} and returns the object format it declares (SHA-1
     * when none).
     *
     * @throws RepositoryFormatException with git's message if git would refuse the repository
     */
    static ObjectFormat check(GitConfig config) throws RepositoryFormatException {
        long version = -1;
        ObjectFormat format = ObjectFormat.SHA1;
        List<String> unknown = new ArrayList<>();
        List<String> v1Only = new ArrayList<>();
        for (GitConfig.Entry e : config.entries()) {
            if (e.key().equals("core.repositoryformatversion")) {
                version = config.parseInt(e);
            } else if (e.key().startsWith("extensions.")) {
                String ext = e.key().substring("extensions.".length());
                switch (ext) {
                    case "noop" -> { }
                    case "preciousobjects", "worktreeconfig" -> GitConfig.parseBoolean(e);
                    case "partialclone" -> nonNull(e, config);
                    case "noop-v1" -> v1Only.add(ext);
                    case "objectformat" -> {
                        nonNull(e, config);
                        format = byName(e.value());
                        if (format == null) {
                            throw new RepositoryFormatException("invalid value for 'extensions.objectformat': '"
                                    + e.value() + "'\nbad config line " + e.line() + " in file " + config.file());
                        }
                        v1Only.add(ext);
                    }
                    default -> unknown.add(ext);
                }
            }
        }
        if (version > MAX_VERSION) {
            throw new RepositoryFormatException("Expected git repo version <= " + MAX_VERSION + ", found " + version);
        }
        if (version >= 1 && !unknown.isEmpty()) {
            throw new RepositoryFormatException(list(unknown, "unknown repository extension found:",
                    "unknown repository extensions found:"));
        }
        if (version == 0 && !v1Only.isEmpty()) {
            throw new RepositoryFormatException(list(v1Only, "repo version is 0, but v1-only extension found:",
                    "repo version is 0, but v1-only extensions found:"));
        }
        return format;
    }

    /** The format named exactly {@code name} (git compares names case-sensitively), or null. */
    private static ObjectFormat byName(String name) {
        for (ObjectFormat f : ObjectFormat.values()) {
            if (f.configName().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static void nonNull(GitConfig.Entry e, GitConfig config) throws RepositoryFormatException {
        if (e.value() == null) {
            throw new RepositoryFormatException("missing value for '" + e.key() + "'\nbad config line "
                    + e.line() + " in file " + config.file());
        }
    }

    private static String list(List<String> names, String one, String many) {
        StringBuilder sb = new StringBuilder(names.size() == 1 ? one : many);
        for (String n : names) {
            sb.append("\n\t").append(n);
        }
        return sb.toString();
    }
}
