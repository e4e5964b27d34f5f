package io.nixship.config;

import io.nixship.NixshipException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds {@code .nixship.yaml}, applies defaults and checks each value, naming its line on error.
 */
final class ConfigReader {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:/(tcp|udp|sctp))?");
    private static final Pattern SIZE =
            Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?", Pattern.CASE_INSENSITIVE);
    private static final int LAYER_CAP_LIMIT = 125;

    private ConfigReader() {}

    static NixshipConfig read(byte[] content, String fileName, Optional<String> githubRepository) {
        StrictYaml.Parsed<RawConfig> parsed =
                StrictYaml.read(StrictYaml.mapper(), content, fileName, RawConfig.class);
        return apply(parsed.value(), parsed, githubRepository);
    }

    static NixshipConfig apply(
            RawConfig raw, StrictYaml.Parsed<RawConfig> where, Optional<String> githubRepository) {
        RawConfig r = raw != null ? raw : new RawConfig(null, null, null, null, null, null, null);
        Located at = new Located(where);
        Optional<String> image =
                Optional.ofNullable(r.image())
                        .map(value -> nonBlank(at, "image", value))
                        .or(() -> defaultImage(githubRepository));
        String tag = r.tag() == null ? NixshipConfig.DEFAULT_TAG : nonBlank(at, "tag", r.tag());
        int maxLayers = r.maxLayers() == null ? NixshipConfig.DEFAULT_MAX_LAYERS : r.maxLayers();
        if (maxLayers < 2 || maxLayers > LAYER_CAP_LIMIT) {
            throw at.error(
                    "maxLayers",
                    "maxLayers must be between 2 and " + LAYER_CAP_LIMIT + ", got " + maxLayers);
        }
        return new NixshipConfig(
                image,
                tag,
                maxLayers,
                nix(at, r.nix()),
                app(at, r.app()),
                relativePatterns(at, "manifests", r.manifests()),
                gitops(at, r.gitops()));
    }

    private static Optional<GitOpsConfig> gitops(Located at, RawConfig.GitOps raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.repository() == null || !GitOpsConfig.isRepositoryName(raw.repository().trim())) {
            throw at.error(
                    "gitops.repository",
                    "gitops.repository must name the manifests repository as owner/name, got "
                            + (raw.repository() == null
                                    ? "nothing"
                                    : "'" + raw.repository() + "'"));
        }
        List<String> manifests = relativePatterns(at, "gitops.manifests", raw.manifests());
        if (manifests.isEmpty()) {
            throw at.error(
                    "gitops.manifests",
                    "gitops.manifests is empty: list the manifest files, directories or globs in "
                            + raw.repository().trim()
                            + ", relative to its root");
        }
        return Optional.of(
                new GitOpsConfig(
                        raw.repository().trim(),
                        Optional.ofNullable(raw.branch())
                                .map(value -> nonBlank(at, "gitops.branch", value)),
                        manifests));
    }

    private static NixConfig nix(Located at, RawConfig.Nix raw) {
        if (raw == null) {
            return NixConfig.defaults();
        }
        String file =
                raw.file() == null
                        ? NixConfig.DEFAULT_FILE
                        : relativePath(at, "nix.file", raw.file());
        Map<String, String> env =
                raw.env() == null ? NixConfig.DEFAULT_ENV : environment(at, "nix.env", raw.env());
        for (String name : env.keySet()) {
            if (NixConfig.isReserved(name)) {
                throw at.error(
                        "nix.env." + name,
                        "nix.env."
                                + name
                                + ": "
                                + name
                                + " may not be set: it changes which programs run or how Nix,"
                                + " the shell or the loader behave; nix.env is for the project's"
                                + " own variables, remove it");
            }
        }
        Optional<String> channel =
                Optional.ofNullable(raw.channel()).map(value -> nonBlank(at, "nix.channel", value));
        OptionalLong maxClosure =
                raw.maxClosureSize() == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(size(at, "nix.maxClosureSize", raw.maxClosureSize()));
        Optional<Duration> timeout =
                Optional.ofNullable(raw.timeout()).map(value -> duration(at, "nix.timeout", value));
        return new NixConfig(file, env, channel, maxClosure, timeout);
    }

    private static AppConfig app(Located at, RawConfig.App raw) {
        if (raw == null) {
            return AppConfig.defaults();
        }
        String workdir = raw.workdir() == null ? AppConfig.DEFAULT_WORKDIR : raw.workdir();
        if (!workdir.startsWith("/") || List.of(workdir.split("/")).contains("..")) {
            throw at.error(
                    "app.workdir",
                    "app.workdir must be an absolute path without '..', got '" + workdir + "'");
        }
        List<String> ports = new ArrayList<>();
        List<String> rawPorts = raw.ports() == null ? List.of() : raw.ports();
        for (int i = 0; i < rawPorts.size(); i++) {
            ports.add(port(at, "app.ports[" + i + "]", rawPorts.get(i)));
        }
        return new AppConfig(
                relativePatterns(at, "app.copy", raw.copy()),
                workdir,
                strings(at, "app.cmd", raw.cmd()),
                strings(at, "app.entrypoint", raw.entrypoint()),
                raw.env() == null ? Map.of() : environment(at, "app.env", raw.env()),
                Optional.ofNullable(raw.user()).map(value -> nonBlank(at, "app.user", value)),
                ports);
    }

    private static Optional<String> defaultImage(Optional<String> githubRepository) {
        // GHCR repository names must be lowercase, while GitHub keeps the owner's capitals.
        return githubRepository
                .filter(repository -> !repository.isBlank())
                .map(repository -> "ghcr.io/" + repository.trim().toLowerCase(Locale.ROOT));
    }

    private static String port(Located at, String field, String value) {
        Matcher m = value == null ? null : PORT.matcher(value.trim());
        if (m == null || !m.matches()) {
            throw at.error(field, field + ": '" + value + "' is not a port like 8080 or 8080/tcp");
        }
        int number = Integer.parseInt(m.group(1));
        if (number < 1 || number > 65535) {
            throw at.error(field, field + ": port " + number + " is outside 1-65535");
        }
        return number + "/" + (m.group(2) == null ? "tcp" : m.group(2));
    }

    static long size(Located at, String field, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw at.error(field, field + ": '" + value + "' is not a size like 2GiB or 500MB");
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor =
                switch (unit) {
                    case "KB" -> 1_000L;
                    case "MB" -> 1_000_000L;
                    case "GB" -> 1_000_000_000L;
                    case "TB" -> 1_000_000_000_000L;
                    case "KIB" -> 1L << 10;
                    case "MIB" -> 1L << 20;
                    case "GIB" -> 1L << 30;
                    case "TIB" -> 1L << 40;
                    default -> 1L;
                };
        return Math.multiplyExact(number, factor);
    }

    private static Duration duration(Located at, String field, String value) {
        return DurationText.parse(value)
                .orElseThrow(
                        () ->
                                at.error(
                                        field,
                                        field
                                                + ": '"
                                                + value
                                                + "' is not a duration like 90s, 30m or 2h"));
    }

    private static Map<String, String> environment(
            Located at, String field, Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach(
                (name, value) -> {
                    if (!ENV_NAME.matcher(name).matches()) {
                        throw at.error(
                                field + "." + name,
                                field + ": '" + name + "' is not a valid variable name");
                    }
                    if (value == null) {
                        throw at.error(
                                field + "." + name,
                                field + "." + name + " has no value; use \"\" for empty");
                    }
                    out.put(name, value);
                });
        return out;
    }

    private static List<String> strings(Located at, String field, List<String> raw) {
        if (raw == null) {
            return List.of();
        }
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i) == null) {
                throw at.error(field + "[" + i + "]", field + "[" + i + "] is empty");
            }
        }
        return raw;
    }

    private static List<String> relativePatterns(Located at, String field, List<String> raw) {
        List<String> values = strings(at, field, raw);
        for (int i = 0; i < values.size(); i++) {
            relativePath(at, field + "[" + i + "]", values.get(i));
        }
        return values;
    }

    private static String relativePath(Located at, String field, String value) {
        String trimmed = nonBlank(at, field, value);
        if (trimmed.startsWith("/")
                || List.of(trimmed.split("/")).contains("..")
                || trimmed.contains("\\")) {
            throw at.error(
                    field,
                    field
                            + ": '"
                            + value
                            + "' must be a path relative to the project, without '..'");
        }
        return trimmed;
    }

    private static String nonBlank(Located at, String field, String value) {
        if (value.isBlank()) {
            throw at.error(field, field + " is empty");
        }
        return value.trim();
    }

    /** Locates errors found after binding; defaults (no file) have no location. */
    private record Located(StrictYaml.Parsed<RawConfig> parsed) {
        NixshipException error(String field, String message) {
            return parsed == null
                    ? NixshipException.usage(NixshipConfig.FILE_NAME + ": " + message)
                    : parsed.error(field, message);
        }
    }
}
