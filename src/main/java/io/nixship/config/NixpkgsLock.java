package io.nixship.config;

import io.nixship.NixshipException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code nixship.lock}: the exact nixpkgs a project builds against. {@code url} is an https or
 * file:// tarball URL, or a path relative to the lock file; {@code sha256} is the hash of the
 * unpacked tree ({@code nix-prefetch-url --unpack}), kept as Nix base32 whatever form the file
 * used.
 */
public record NixpkgsLock(
        Optional<String> channel,
        Optional<String> release,
        Optional<String> revision,
        String url,
        NixHash sha256) {
    public static final String FILE_NAME = "nixship.lock";
    private static final Pattern REVISION = Pattern.compile("[0-9a-f]{40}");

    /** The lock as YAML, byte-for-byte the same for the same values. */
    public String toYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Pins nixpkgs exactly; written by `nixship lock`.\n");
        channel.ifPresent(value -> field(out, "channel", value));
        release.ifPresent(value -> field(out, "release", value));
        revision.ifPresent(value -> field(out, "revision", value));
        field(out, "url", url);
        field(out, "sha256", sha256.base32());
        return out.toString();
    }

    public void write(Path file) {
        try {
            Path temp =
                    Files.createTempFile(
                            file.toAbsolutePath().getParent(), ".nixship-lock", ".tmp");
            Files.writeString(temp, toYaml(), StandardCharsets.UTF_8);
            Files.move(
                    temp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw NixshipException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static NixpkgsLock read(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw NixshipException.usage(file + ": not found; create it with `nixship lock`");
        } catch (IOException e) {
            throw NixshipException.usage(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses lock text; {@code fileName} is how errors name it. */
    public static NixpkgsLock parse(byte[] content, String fileName) {
        StrictYaml.Parsed<Raw> parsed =
                StrictYaml.read(StrictYaml.mapper(), content, fileName, Raw.class);
        Raw raw = parsed.value();
        if (raw == null) {
            throw NixshipException.usage(fileName + ": empty lock; create it with `nixship lock`");
        }
        if (raw.url() == null || raw.url().isBlank()) {
            throw parsed.error("url", "missing field 'url' (the nixpkgs tarball)");
        }
        if (raw.sha256() == null) {
            throw parsed.error("sha256", "missing field 'sha256' (the unpacked tarball's hash)");
        }
        NixHash hash =
                NixHash.parse(raw.sha256())
                        .orElseThrow(
                                () ->
                                        parsed.error(
                                                "sha256",
                                                "sha256 '"
                                                        + raw.sha256()
                                                        + "' is not a Nix base32 or SRI sha256 hash"));
        if (raw.revision() != null && !REVISION.matcher(raw.revision()).matches()) {
            throw parsed.error(
                    "revision",
                    "revision '" + raw.revision() + "' is not a 40-character git commit id");
        }
        return new NixpkgsLock(
                Optional.ofNullable(raw.channel()),
                Optional.ofNullable(raw.release()),
                Optional.ofNullable(raw.revision()),
                raw.url().trim(),
                hash);
    }

    /**
     * The URL to fetch: https and file URLs as written, a relative path resolved against {@code
     * lockDirectory} (the directory holding the lock in the working tree) as a file:// URL.
     */
    public String resolveUrl(Path lockDirectory) {
        String scheme = scheme(url);
        if (scheme != null) {
            return url;
        }
        Path path = Path.of(url);
        Path absolute = path.isAbsolute() ? path : lockDirectory.toAbsolutePath().resolve(path);
        return absolute.normalize().toUri().toString();
    }

    /** True for http(s) URLs: the ones that need the network. */
    public boolean isRemote() {
        String scheme = scheme(url);
        return scheme != null && !scheme.equals("file");
    }

    private static String scheme(String url) {
        try {
            URI uri = new URI(url);
            return uri.getScheme() != null && uri.getScheme().length() > 1 ? uri.getScheme() : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append(": \"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append("\"\n");
    }

    record Raw(String channel, String release, String revision, String url, String sha256) {}
}
