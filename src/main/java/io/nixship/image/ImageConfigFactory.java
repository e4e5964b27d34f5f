package io.nixship.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the OCI image config and manifest JSON. Keys are sorted and nothing is pretty-printed, so
 * the same inputs always give the same bytes, hence the same digests.
 */
public final class ImageConfigFactory {
    /**
     * Layer annotation listing the store paths a layer holds, comma separated (store names never
     * contain commas).
     */
    public static final String STORE_PATHS_ANNOTATION = "io.nixship.store-paths";

    /**
     * Layer annotation naming how the layer was tarred and compressed, so a later push knows
     * whether it can reuse it.
     */
    public static final String LAYER_FORMAT_ANNOTATION = "io.nixship.layer-format";

    /**
     * Layer annotation with the layer's diff-id, so a later push can reuse the layer without
     * downloading it.
     */
    public static final String DIFF_ID_ANNOTATION = "io.nixship.diff-id";

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}(/(tcp|udp|sctp))?");
    private static final Pattern USER =
            Pattern.compile("root|nobody|[0-9]+(:[0-9]+)?|root:root|nobody:nobody");
    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private final ObjectMapper json = Json.canonical();

    /**
     * The config blob: {@code PATH=<environment>/bin:/bin} first in {@code Env}, one history entry
     * per layer (described by {@code layerDescriptions}, same order as {@code diffIds}), all
     * created at the commit time.
     */
    public byte[] config(
            ImageSettings settings,
            String environmentPath,
            List<String> diffIds,
            List<String> layerDescriptions) {
        if (diffIds.size() != layerDescriptions.size()) {
            throw new IllegalArgumentException(
                    diffIds.size()
                            + " diff-ids but "
                            + layerDescriptions.size()
                            + " layer descriptions");
        }
        String created = CREATED.format(settings.created().truncatedTo(ChronoUnit.SECONDS));
        Map<String, Object> config = new TreeMap<>();
        config.put("Env", env(settings, environmentPath));
        if (!settings.cmd().isEmpty()) {
            config.put("Cmd", settings.cmd());
        }
        if (!settings.entrypoint().isEmpty()) {
            config.put("Entrypoint", settings.entrypoint());
        }
        config.put("WorkingDir", settings.workingDir());
        if (settings.user() != null) {
            config.put("User", checkedUser(settings.user()));
        }
        if (!settings.exposedPorts().isEmpty()) {
            Map<String, Object> ports = new TreeMap<>();
            settings.exposedPorts().forEach(p -> ports.put(checkedPort(p), Map.of()));
            config.put("ExposedPorts", ports);
        }
        if (!settings.labels().isEmpty()) {
            config.put("Labels", new TreeMap<>(settings.labels()));
        }
        List<Map<String, Object>> history = new ArrayList<>();
        layerDescriptions.forEach(d -> history.add(Map.of("created", created, "created_by", d)));
        Map<String, Object> image = new TreeMap<>();
        image.put("architecture", settings.architecture());
        image.put("os", settings.os());
        image.put("created", created);
        image.put("config", config);
        image.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        image.put("history", history);
        return write(image);
    }

    /** The image manifest; layer descriptors keep their annotations. */
    public byte[] manifest(Descriptor config, List<Descriptor> layers) {
        return manifest(config, layers, Map.of());
    }

    /**
     * Like {@link #manifest(Descriptor, List)}, with manifest-level annotations when any are given.
     */
    public byte[] manifest(
            Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        Map<String, Object> manifest = new TreeMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciImage.MANIFEST_MEDIA_TYPE);
        manifest.put("config", descriptor(config));
        manifest.put("layers", layers.stream().map(ImageConfigFactory::descriptor).toList());
        if (!annotations.isEmpty()) {
            manifest.put("annotations", new TreeMap<>(annotations));
        }
        return write(manifest);
    }

    /** A short history line for a layer: its store path names, or how many paths it merges. */
    public static String describeLayer(List<String> storePaths) {
        if (storePaths.isEmpty()) {
            return "nixship: app files and base filesystem";
        }
        List<String> names =
                storePaths.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
        if (names.size() <= 3) {
            return "nixship: " + String.join(", ", names);
        }
        return "nixship: "
                + names.size()
                + " store paths: "
                + String.join(", ", names.subList(0, 3))
                + ", ...";
    }

    static Map<String, Object> descriptor(Descriptor descriptor) {
        Map<String, Object> map = new TreeMap<>();
        map.put("mediaType", descriptor.mediaType());
        map.put("digest", descriptor.digest());
        map.put("size", descriptor.size());
        if (!descriptor.annotations().isEmpty()) {
            map.put("annotations", new TreeMap<>(descriptor.annotations()));
        }
        return map;
    }

    byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialise", e);
        }
    }

    private static List<String> env(ImageSettings settings, String environmentPath) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", environmentPath + "/bin:/bin");
        env.putAll(settings.env());
        List<String> entries = new ArrayList<>();
        env.forEach(
                (name, value) -> {
                    if (name.isEmpty() || name.contains("=")) {
                        throw NixshipException.usage(
                                "app.env: '" + name + "' is not a valid variable name");
                    }
                    entries.add(name + "=" + value);
                });
        return entries;
    }

    private static String checkedPort(String port) {
        if (!PORT.matcher(port).matches() || Integer.parseInt(port.split("/")[0]) > 65535) {
            throw NixshipException.usage(
                    "app.ports: '"
                            + port
                            + "' is not a port; use a number such as 8080 or 8080/tcp, 53/udp");
        }
        return port.contains("/") ? port : port + "/tcp";
    }

    /**
     * The image's /etc/passwd only knows root and nobody, so a user name beyond those could not
     * start.
     */
    private static String checkedUser(String user) {
        if (!USER.matcher(user).matches()) {
            throw NixshipException.usage(
                    "app.user: '"
                            + user
                            + "' is not in the image's /etc/passwd; use root, nobody or a numeric uid[:gid]");
        }
        return user;
    }
}
