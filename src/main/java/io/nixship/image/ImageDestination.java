package io.nixship.image;

import io.nixship.NixshipException;
import java.nio.file.Path;

/**
 * Where {@code nixship build --to} puts the image: an OCI layout directory ({@code oci:DIR}), a
 * {@code docker load} tarball ({@code docker-archive:FILE}) or a registry ({@code
 * HOST/REPO[:TAG]}).
 */
public sealed interface ImageDestination {
    record OciLayout(Path directory) implements ImageDestination {}

    record DockerArchive(Path file) implements ImageDestination {}

    record Registry(String reference) implements ImageDestination {}

    static ImageDestination parse(String value, Path workingDir) {
        if (value == null || value.isBlank()) {
            throw NixshipException.usage(
                    "--to: empty; use oci:DIR, docker-archive:FILE or REGISTRY/REPO[:TAG]");
        }
        if (value.startsWith("oci:")) {
            return new OciLayout(workingDir.resolve(nonEmpty(value, "oci:")).normalize());
        }
        if (value.startsWith("docker-archive:")) {
            return new DockerArchive(
                    workingDir.resolve(nonEmpty(value, "docker-archive:")).normalize());
        }
        if (value.startsWith("docker://")) {
            return new Registry(value.substring("docker://".length()));
        }
        if (value.contains("/") && !value.contains("://")) {
            return new Registry(value);
        }
        throw NixshipException.usage(
                "--to: '" + value + "' is not oci:DIR, docker-archive:FILE or REGISTRY/REPO[:TAG]");
    }

    private static String nonEmpty(String value, String prefix) {
        String rest = value.substring(prefix.length());
        if (rest.isBlank()) {
            throw NixshipException.usage(
                    "--to: '" + value + "' names no path after '" + prefix + "'");
        }
        return rest;
    }
}
