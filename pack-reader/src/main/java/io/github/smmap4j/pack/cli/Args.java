package io.github.smmap4j.pack.cli;

import java.util.List;
import java.util.Locale;

/**
 * A small hand-written argument tokenizer: walks the arguments of one command, recognising
 * {@code --name=value}, {@code --name value}, {@code -x value} and {@code --} (end of options).
 */
final class Args {
    private final List<String> args;
    private final String usage;
    private int pos;
    private boolean optionsEnded;
    private String current;

    Args(List<String> args, String usage) {
        this.args = args;
        this.usage = usage;
    }

    /** Advances to the next argument; returns false at the end. */
    boolean next() {
        if (pos >= args.size()) {
            return false;
        }
        current = args.get(pos++);
        if (!optionsEnded && current.equals("--")) {
            optionsEnded = true;
            return next();
        }
        return true;
    }

    /** The current argument. */
    String current() {
        return current;
    }

    /** True if the current argument is an option (starts with '-' before any "--"). */
    boolean isOption() {
        return !optionsEnded && current.startsWith("-") && current.length() > 1;
    }

    /** True if the current argument is one of {@code names}. */
    boolean is(String... names) {
        if (!isOption()) {
            return false;
        }
        for (String n : names) {
            if (current.equals(n)) {
                return true;
            }
        }
        return false;
    }

    /** True if the current argument is {@code --name} or {@code --name=...}. */
    boolean isValued(String name) {
        return isOption() && (current.equals(name) || current.startsWith(name + "="));
    }

    /** The value of the current valued option: after '=' or the next argument. */
    String value() {
        int eq = current.indexOf('=');
        if (current.startsWith("--") && eq > 0) {
            return current.substring(eq + 1);
        }
        String name = current;
        if (pos >= args.size()) {
            throw CliException.usage("error: option `" + name.replaceFirst("^-+", "") + "' requires a value", usage);
        }
        return args.get(pos++);
    }

    /** A usage error for the current (unknown) option, worded as git's parse-options does. */
    CliException unknown() {
        if (current.startsWith("--")) {
            return CliException.usage("error: unknown option `" + current.substring(2) + "'", usage);
        }
        return CliException.usage("error: unknown switch `" + current.substring(1, 2) + "'", usage);
    }

    /** A usage error with {@code message} (git prints "fatal: " + message, then the usage). */
    CliException usageError(String message) {
        return CliException.usage("fatal: " + message, usage);
    }

    /** Parses a size such as {@code 4096}, {@code 64k}, {@code 32m}, {@code 1g}. */
    static long size(String option, String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0 || v > Long.MAX_VALUE / mult) {
                throw new NumberFormatException();
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw CliException.fatal("bad size for " + option + ": '" + s + "' (use e.g. 4096, 64k, 32m, 1g)");
        }
    }
}
