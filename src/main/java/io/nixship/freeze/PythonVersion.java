package io.nixship.freeze;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python package version ordered the way pip orders it ({@code packaging.version.Version}, PEP
 * 440): epochs, release segments with implicit zeros ({@code 2.0 == 2.0.0}), pre, post and dev
 * releases ({@code 1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1}) and local versions ({@code 1.0 <
 * 1.0+abc}). Alternative spellings are normalised ({@code v1.0-RC.1} prints as {@code 1.0rc1}).
 *
 * <p>A string that is not PEP 440 is kept as a legacy version: it prints unchanged, sorts before
 * every valid version (as packaging's {@code LegacyVersion} did) and compares with other legacy
 * versions as a plain string.
 */
public final class PythonVersion implements Comparable<PythonVersion> {
    // packaging.version.VERSION_PATTERN, matched case-insensitively against the stripped string.
    private static final Pattern PEP440 =
            Pattern.compile(
                    "v?"
                            + "(?:(?<epoch>[0-9]+)!)?"
                            + "(?<release>[0-9]+(?:\\.[0-9]+)*)"
                            + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
                            + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
                            + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?"
                            + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
                    Pattern.CASE_INSENSITIVE);

    private static final Pattern LOCAL_SEPARATOR = Pattern.compile("[-_.]");

    private final String raw;
    private final boolean legacy;
    private final BigInteger epoch;
    private final List<BigInteger> release;
    private final String preLetter;
    private final BigInteger preNumber;
    private final BigInteger post;
    private final BigInteger dev;
    private final List<Object> local;

    private PythonVersion(
            String raw,
            boolean legacy,
            BigInteger epoch,
            List<BigInteger> release,
            String preLetter,
            BigInteger preNumber,
            BigInteger post,
            BigInteger dev,
            List<Object> local) {
        this.raw = raw;
        this.legacy = legacy;
        this.epoch = epoch;
        this.release = release;
        this.preLetter = preLetter;
        this.preNumber = preNumber;
        this.post = post;
        this.dev = dev;
        this.local = local;
    }

    /** Parses any string; a non-PEP 440 string gives a legacy version rather than an error. */
    public static PythonVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        Matcher m = PEP440.matcher(text.strip());
        if (!m.matches()) {
            return new PythonVersion(text, true, null, List.of(), null, null, null, null, null);
        }
        BigInteger epoch =
                m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
        List<BigInteger> release = new ArrayList<>();
        for (String part : m.group("release").split("\\.")) {
            release.add(new BigInteger(part));
        }
        String preLetter = null;
        BigInteger preNumber = null;
        if (m.group("pre") != null) {
            preLetter = canonicalPreLetter(m.group("prel").toLowerCase(Locale.ROOT));
            preNumber = number(m.group("pren"));
        }
        BigInteger post = null;
        if (m.group("post") != null) {
            post = number(m.group("postn1") != null ? m.group("postn1") : m.group("postn2"));
        }
        BigInteger dev = m.group("dev") == null ? null : number(m.group("devn"));
        List<Object> local = null;
        if (m.group("local") != null) {
            local = new ArrayList<>();
            for (String part : LOCAL_SEPARATOR.split(m.group("local"))) {
                local.add(
                        part.chars().allMatch(Character::isDigit)
                                ? new BigInteger(part)
                                : part.toLowerCase(Locale.ROOT));
            }
            local = Collections.unmodifiableList(local);
        }
        return new PythonVersion(
                text, false, epoch, List.copyOf(release), preLetter, preNumber, post, dev, local);
    }

    private static String canonicalPreLetter(String letter) {
        return switch (letter) {
            case "alpha" -> "a";
            case "beta" -> "b";
            case "c", "pre", "preview" -> "rc";
            default -> letter;
        };
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    /**
     * True when the text is not a PEP 440 version (pip prints such a pin as {@code name===text}).
     */
    public boolean isLegacy() {
        return legacy;
    }

    /** The text as given. */
    public String raw() {
        return raw;
    }

    /** A pre-release or a dev release, e.g. {@code 1.0rc1} or {@code 1.0.dev3}. */
    public boolean isPrerelease() {
        return !legacy && (preLetter != null || dev != null);
    }

    /**
     * The normalised form, as {@code str(packaging.version.Version(text))}; legacy versions
     * unchanged.
     */
    @Override
    public String toString() {
        if (legacy) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        if (epoch.signum() != 0) {
            out.append(epoch).append('!');
        }
        for (int i = 0; i < release.size(); i++) {
            out.append(i == 0 ? "" : ".").append(release.get(i));
        }
        if (preLetter != null) {
            out.append(preLetter).append(preNumber);
        }
        if (post != null) {
            out.append(".post").append(post);
        }
        if (dev != null) {
            out.append(".dev").append(dev);
        }
        if (local != null) {
            out.append('+');
            for (int i = 0; i < local.size(); i++) {
                out.append(i == 0 ? "" : ".").append(local.get(i));
            }
        }
        return out.toString();
    }

    @Override
    public int compareTo(PythonVersion other) {
        if (legacy || other.legacy) {
            if (legacy && other.legacy) {
                return raw.compareTo(other.raw);
            }
            return legacy ? -1 : 1;
        }
        int c = epoch.compareTo(other.epoch);
        if (c != 0) {
            return c;
        }
        c = compareRelease(trimmedRelease(), other.trimmedRelease());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(preRank(), other.preRank());
        if (c == 0 && preLetter != null) {
            c = preLetter.compareTo(other.preLetter);
            if (c == 0) {
                c = preNumber.compareTo(other.preNumber);
            }
        }
        if (c != 0) {
            return c;
        }
        c = compareMissingLow(post, other.post);
        if (c != 0) {
            return c;
        }
        c = compareMissingHigh(dev, other.dev);
        if (c != 0) {
            return c;
        }
        return compareLocal(local, other.local);
    }

    /**
     * packaging's key: a dev release without pre or post sorts before any pre-release (-inf), none
     * after (+inf).
     */
    private int preRank() {
        if (preLetter == null && post == null && dev != null) {
            return -1;
        }
        return preLetter == null ? 1 : 0;
    }

    private List<BigInteger> trimmedRelease() {
        int end = release.size();
        while (end > 0 && release.get(end - 1).signum() == 0) {
            end--;
        }
        return release.subList(0, end);
    }

    private static int compareRelease(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareMissingLow(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static int compareMissingHigh(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? 1 : -1;
        }
        return a.compareTo(b);
    }

    /**
     * No local part sorts first; within local parts strings sort before numbers, a shorter prefix
     * first.
     */
    private static int compareLocal(List<Object> a, List<Object> b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? -1 : 1;
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x instanceof BigInteger bx && y instanceof BigInteger by) {
                c = bx.compareTo(by);
            } else if (x instanceof String sx && y instanceof String sy) {
                c = sx.compareTo(sy);
            } else {
                c = x instanceof String ? -1 : 1;
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Equal when pip would call them equal, e.g. {@code 2.0} and {@code 2.0.0}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PythonVersion other && compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        if (legacy) {
            return raw.hashCode();
        }
        return Objects.hash(epoch, trimmedRelease(), preLetter, preNumber, post, dev, local);
    }
}
