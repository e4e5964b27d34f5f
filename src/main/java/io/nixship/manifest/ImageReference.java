package io.nixship.manifest;

import io.nixship.NixshipException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker/OCI image reference, parsed the way github.com/distribution/reference's
 * ParseNormalizedNamed does: {@code domain} is the registry host (with port), lowercase, as host
 * names compare; Docker Hub's aliases {@code index.docker.io} and {@code registry-1.docker.io} read
 * as {@code docker.io}; {@code path} the repository path ({@code library/} added for
 * single-component Docker Hub names), {@code tag} and {@code digest} are null when absent.
 */
public record ImageReference(String domain, String path, String tag, String digest) {
    private static final String DEFAULT_DOMAIN = "docker.io";
    // Docker Hub's other names: the V1 index and the host the registry API is served from.
    private static final Set<String> DOCKER_HUB_ALIASES =
            Set.of("index.docker.io", "registry-1.docker.io");
    private static final String OFFICIAL_PREFIX = "library/";
    private static final int PATH_LENGTH_MAX = 255;
    // Longer input cannot be valid; the bound also keeps the regular expressions cheap.
    private static final int INPUT_LENGTH_MAX = 1024;

    private static final String ALPHANUMERIC = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT =
            ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
    private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String DOMAIN_COMPONENT =
            "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
    private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private static final String DOMAIN_AND_PORT =
            "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST_ALGORITHM =
            "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*";
    private static final String DIGEST_HEX = "[0-9a-fA-F]{32,}";
    private static final String DIGEST = DIGEST_ALGORITHM + ":" + DIGEST_HEX;

    private static final Pattern REFERENCE =
            Pattern.compile(
                    "^((?:"
                            + DOMAIN_AND_PORT
                            + "/)?"
                            + REMOTE_NAME
                            + ")(?::("
                            + TAG
                            + "))?(?:@("
                            + DIGEST
                            + "))?$");
    private static final Pattern NAME =
            Pattern.compile("^(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")$");
    private static final Pattern TAG_ONLY = Pattern.compile("^" + TAG + "$");
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-f0-9]{64}$");
    private static final Pattern DIGEST_ONLY =
            Pattern.compile("^(" + DIGEST_ALGORITHM + "):(" + DIGEST_HEX + ")$");
    private static final Map<String, Integer> DIGEST_HEX_LENGTHS =
            Map.of("sha256", 64, "sha384", 96, "sha512", 128);
    private static final Pattern LOWER_HEX = Pattern.compile("^[a-f0-9]+$");

    public ImageReference {
        if (domain == null || domain.isEmpty() || path == null || path.isEmpty()) {
            throw new IllegalArgumentException("an image reference needs a domain and a path");
        }
        if (tag != null && !isValidTag(tag)) {
            throw invalid(
                    domain + "/" + path + ":" + tag, "the tag must match [\\w][\\w.-]{0,127}");
        }
        if (digest != null && digestProblem(digest) != null) {
            throw invalid(domain + "/" + path + "@" + digest, digestProblem(digest));
        }
    }

    /** Parses a familiar or fully qualified reference; throws a usage error naming the reason. */
    public static ImageReference parse(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw invalid("", "the reference is empty");
        }
        if (reference.length() > INPUT_LENGTH_MAX) {
            throw invalid(
                    reference.substring(0, 64) + "...",
                    "it is longer than " + INPUT_LENGTH_MAX + " characters");
        }
        if (IDENTIFIER.matcher(reference).matches()) {
            throw invalid(
                    reference,
                    "a 64-character hexadecimal string is an image ID, not a repository name");
        }
        String[] split = splitDockerDomain(reference);
        String domain = split[0];
        String remainder = split[1];
        int tagSeparator = remainder.indexOf(':');
        String remote = tagSeparator < 0 ? remainder : remainder.substring(0, tagSeparator);
        int digestSeparator = remote.indexOf('@');
        if (digestSeparator >= 0) {
            remote = remote.substring(0, digestSeparator);
        }
        if (!remote.toLowerCase(Locale.ROOT).equals(remote)) {
            throw invalid(reference, "the repository name '" + remote + "' must be lowercase");
        }
        String qualified = domain + "/" + remainder;
        Matcher matcher = REFERENCE.matcher(qualified);
        if (!matcher.matches()) {
            throw invalid(reference, formatProblem(qualified));
        }
        Matcher name = NAME.matcher(matcher.group(1));
        if (!name.matches()) {
            throw invalid(reference, "the name does not follow the reference grammar");
        }
        String path = name.group(2);
        if (path.length() > PATH_LENGTH_MAX) {
            throw invalid(
                    reference,
                    "the repository path is longer than " + PATH_LENGTH_MAX + " characters");
        }
        String digest = matcher.group(3);
        if (digest != null) {
            String problem = digestProblem(digest);
            if (problem != null) {
                throw invalid(reference, problem);
            }
        }
        return new ImageReference(name.group(1), path, matcher.group(2), digest);
    }

    /** Whether {@code tag} is a valid tag, {@code [\w][\w.-]{0,127}}. */
    public static boolean isValidTag(String tag) {
        return tag != null && TAG_ONLY.matcher(tag).matches();
    }

    /** Null when {@code digest} is a valid sha256/sha384/sha512 digest, else why it is not. */
    public static String digestProblem(String digest) {
        if (digest == null || digest.length() > INPUT_LENGTH_MAX) {
            return "the digest is missing or too long";
        }
        Matcher parts = DIGEST_ONLY.matcher(digest);
        if (!parts.matches()) {
            return "the digest '" + digest + "' is not algorithm:hex";
        }
        Integer length = DIGEST_HEX_LENGTHS.get(parts.group(1));
        if (length == null) {
            return "the digest algorithm '"
                    + parts.group(1)
                    + "' is not supported (sha256, sha384, sha512)";
        }
        if (parts.group(2).length() != length) {
            return parts.group(1)
                    + " digests have "
                    + length
                    + " hex characters, '"
                    + digest
                    + "' has "
                    + parts.group(2).length();
        }
        if (!LOWER_HEX.matcher(parts.group(2)).matches()) {
            return "the digest '" + digest + "' must use lowercase hex";
        }
        return null;
    }

    /**
     * Registry host and path, e.g. {@code docker.io/library/nginx}: the identity used for matching.
     */
    public String repository() {
        return domain + "/" + path;
    }

    /** The name as Docker shows it: {@code nginx}, {@code user/app}, {@code ghcr.io/org/app}. */
    public String familiarName() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return repository();
        }
        if (path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
            return path.substring(OFFICIAL_PREFIX.length());
        }
        return path;
    }

    /** Familiar name plus {@code :tag} and {@code @digest} when present. */
    public String familiar() {
        return familiarName() + suffix();
    }

    /** Fully qualified: {@code docker.io/library/nginx:1.27@sha256:...}. */
    public String canonical() {
        return repository() + suffix();
    }

    /** The {@code :tag@digest} part after the name, empty when neither is set. */
    public String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    public boolean sameRepository(ImageReference other) {
        return repository().equals(other.repository());
    }

    /** This reference with another tag (null for none); an invalid tag is a usage error. */
    public ImageReference withTag(String newTag) {
        return new ImageReference(domain, path, newTag, digest);
    }

    /** This reference with another digest (null for none); an invalid digest is a usage error. */
    public ImageReference withDigest(String newDigest) {
        return new ImageReference(domain, path, tag, newDigest);
    }

    /** The familiar form, which {@link #parse} reads back to an equal reference. */
    @Override
    public String toString() {
        return familiar();
    }

    private static String[] splitDockerDomain(String name) {
        int slash = name.indexOf('/');
        if (slash < 0) {
            return new String[] {DEFAULT_DOMAIN, OFFICIAL_PREFIX + name};
        }
        String maybeDomain = name.substring(0, slash);
        String maybeRemote = name.substring(slash + 1);
        String host = maybeDomain.toLowerCase(Locale.ROOT);
        String domain;
        String remote;
        if (host.equals("localhost") || maybeDomain.contains(".") || maybeDomain.contains(":")) {
            domain = DOCKER_HUB_ALIASES.contains(host) ? DEFAULT_DOMAIN : host;
            remote = maybeRemote;
        } else if (!host.equals(maybeDomain)) {
            // Path components are lowercase, so an uppercase first component can only be a host;
            // kept as written, since lowercased it would read as a Docker Hub path.
            domain = maybeDomain;
            remote = maybeRemote;
        } else {
            domain = DEFAULT_DOMAIN;
            remote = name;
        }
        if (domain.equals(DEFAULT_DOMAIN) && remote.indexOf('/') < 0) {
            remote = OFFICIAL_PREFIX + remote;
        }
        return new String[] {domain, remote};
    }

    private static String formatProblem(String qualified) {
        int at = qualified.indexOf('@');
        String beforeDigest = at < 0 ? qualified : qualified.substring(0, at);
        int lastSlash = beforeDigest.lastIndexOf('/');
        int colon = beforeDigest.indexOf(':', lastSlash + 1);
        if (at >= 0 && digestProblem(qualified.substring(at + 1)) != null) {
            return digestProblem(qualified.substring(at + 1));
        }
        if (colon >= 0 && !isValidTag(beforeDigest.substring(colon + 1))) {
            return "the tag '"
                    + beforeDigest.substring(colon + 1)
                    + "' must match [\\w][\\w.-]{0,127}";
        }
        return "it does not follow the reference grammar [registry[:port]/]path[:tag][@algorithm:hex]";
    }

    private static NixshipException invalid(String reference, String reason) {
        return NixshipException.usage("invalid image reference '" + reference + "': " + reason);
    }
}
