package io.nixship.freeze;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Python project names as PEP 503 compares them: {@code Jinja2} is {@code jinja2}, {@code
 * zope.interface} is {@code zope-interface}.
 */
public final class PackageName {
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    /**
     * The PEP 508 project name pattern pip uses to ignore leftovers like {@code
     * ~atplotlib.dist-info}.
     */
    private static final Pattern VALID =
            Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", Pattern.CASE_INSENSITIVE);

    private PackageName() {}

    /**
     * Runs of {@code -}, {@code _} and {@code .} become one {@code -}, then lower case (PEP 503).
     */
    public static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /** Whether two spellings name the same project. */
    public static boolean same(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    /**
     * Whether {@code name} is a valid PEP 508 project name (ASCII letters, digits and inner {@code
     * -_.}).
     */
    public static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }
}
