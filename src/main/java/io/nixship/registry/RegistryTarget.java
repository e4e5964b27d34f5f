package io.nixship.registry;

import io.nixship.NixshipException;
import java.util.regex.Pattern;

/**
 * Where to push: a registry host (with port), a repository path and a tag. The full reference
 * grammar lives in {@code io.nixship.manifest}; this is the small form the push needs.
 */
public record RegistryTarget(String host, String repository, String tag) {
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?");
    private static final Pattern REPOSITORY =
            Pattern.compile(
                    "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public static final String DEFAULT_TAG = "latest";

    public RegistryTarget {
        if (!HOST.matcher(host).matches()) {
            throw NixshipException.usage(
                    "registry host '"
                            + host
                            + "' is not a host[:port]; use e.g. ghcr.io or 127.0.0.1:5000");
        }
        if (repository.length() > 255 || !REPOSITORY.matcher(repository).matches()) {
            throw NixshipException.usage(
                    "repository '"
                            + repository
                            + "' is not a valid name; use lowercase path components like org/app");
        }
        if (!TAG.matcher(tag).matches()) {
            throw NixshipException.usage(
                    "tag '"
                            + tag
                            + "' is not a valid tag; use up to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
        }
    }

    /**
     * Like {@link #parse}, but a reference without a tag gets {@code defaultTag} instead of latest.
     */
    public static RegistryTarget parseWithDefaultTag(String text, String defaultTag) {
        RegistryTarget parsed = parse(text);
        String last = text.strip().substring(text.strip().lastIndexOf('/') + 1);
        return last.contains(":") ? parsed : parsed.withTag(defaultTag);
    }

    /**
     * Parses {@code host[:port]/path[:tag]}. The first component is the host only when it looks
     * like one (has a dot or a port, or is localhost), as docker does; otherwise the host is
     * docker.io.
     */
    public static RegistryTarget parse(String text) {
        String rest = text.strip();
        if (rest.isEmpty() || rest.contains("@")) {
            throw NixshipException.usage(
                    "registry target '"
                            + text
                            + "' must be HOST[:PORT]/REPOSITORY[:TAG] (no digest)");
        }
        String host = "docker.io";
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".")
                    || first.contains(":")
                    || first.equals("localhost")
                    || first.startsWith("[")) {
                host = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = DEFAULT_TAG;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (host.equals("docker.io") && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new RegistryTarget(host, rest, tag);
    }

    /** The host the HTTP API is served from: docker.io's API is not on docker.io itself. */
    public String apiHost() {
        return apiHost(host);
    }

    static String apiHost(String host) {
        return host.equals("docker.io") ? "registry-1.docker.io" : host;
    }

    public RegistryTarget withTag(String otherTag) {
        return new RegistryTarget(host, repository, otherTag);
    }

    /** {@code host/repository:tag}. */
    @Override
    public String toString() {
        return host + "/" + repository + ":" + tag;
    }
}
