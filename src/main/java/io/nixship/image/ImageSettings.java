package io.nixship.image;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the image config says beyond its layers. {@code env} keeps the caller's order (a {@code
 * PATH} entry replaces the default one); {@code cmd}/{@code entrypoint} are empty when not set and
 * {@code user} is null when not set. {@code exposedPorts} are like {@code 8080} or {@code 53/udp}.
 * {@code labels} are written as given: the caller adds the OCI and nixship labels. {@code created}
 * is the commit time. {@code manifestAnnotations} go on the manifest (the inputs key).
 */
public record ImageSettings(
        String architecture,
        String os,
        Map<String, String> env,
        List<String> cmd,
        List<String> entrypoint,
        String workingDir,
        String user,
        List<String> exposedPorts,
        Map<String, String> labels,
        Instant created,
        Map<String, String> manifestAnnotations) {
    public static final String DEFAULT_ARCHITECTURE = "amd64";
    public static final String DEFAULT_OS = "linux";
    public static final String DEFAULT_WORKING_DIR = "/opt";

    public ImageSettings {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        exposedPorts = List.copyOf(exposedPorts);
        labels = Map.copyOf(labels);
        manifestAnnotations = Map.copyOf(manifestAnnotations);
    }

    /** amd64/linux, no env, command, user, ports or labels, working dir {@code /opt}. */
    public static ImageSettings defaults(Instant created) {
        return new ImageSettings(
                DEFAULT_ARCHITECTURE,
                DEFAULT_OS,
                Map.of(),
                List.of(),
                List.of(),
                DEFAULT_WORKING_DIR,
                null,
                List.of(),
                Map.of(),
                created,
                Map.of());
    }
}
