package io.nixship.pipeline.freezediff;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.image.OciLayoutReader;
import io.nixship.manifest.ImageReference;
import java.nio.file.Path;

/**
 * Where one side of {@code nixship diff} comes from, as written on the command line:
 *
 * <ul>
 *   <li>{@code docker://HOST/REPO:TAG[@DIGEST]}, or {@code HOST/REPO:TAG} whose first component has
 *       a dot, a port or is {@code localhost}: an image in a registry (manifest and config only);
 *   <li>{@code oci:DIR[:TAG]}: an image in an OCI layout;
 *   <li>{@code lock:PATH}, or a path ending in {@code nixship.lock}: the project's working tree
 *       built with the nixpkgs that lock pins;
 *   <li>{@code git:REF}, or anything else (a SHA, branch or tag): the project at that commit,
 *       built.
 * </ul>
 */
public sealed interface EnvironmentSide {
    record RegistryImage(ImageReference reference) implements EnvironmentSide {}

    record Layout(OciLayoutReader.LayoutReference reference) implements EnvironmentSide {}

    record Lock(Path lockFile) implements EnvironmentSide {}

    record Commit(String revision) implements EnvironmentSide {}

    static EnvironmentSide parse(String text, Path workingDir) {
        String value = text.strip();
        if (value.isEmpty()) {
            throw NixshipException.usage(
                    "an empty side; give an image, oci:DIR, lock:PATH or a commit");
        }
        if (value.startsWith("docker://")) {
            return new RegistryImage(image(value.substring("docker://".length())));
        }
        if (value.startsWith("oci:")) {
            return new Layout(
                    OciLayoutReader.parseReference(value.substring("oci:".length()), workingDir));
        }
        if (value.startsWith("lock:")) {
            return new Lock(workingDir.resolve(value.substring("lock:".length())).normalize());
        }
        if (value.startsWith("git:")) {
            return new Commit(value.substring("git:".length()));
        }
        if (value.equals(NixpkgsLock.FILE_NAME) || value.endsWith("/" + NixpkgsLock.FILE_NAME)) {
            return new Lock(workingDir.resolve(value).normalize());
        }
        int slash = value.indexOf('/');
        if (slash > 0) {
            String first = value.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return new RegistryImage(image(value));
            }
        }
        return new Commit(value);
    }

    private static ImageReference image(String reference) {
        ImageReference parsed = ImageReference.parse(reference);
        return parsed.tag() == null && parsed.digest() == null ? parsed.withTag("latest") : parsed;
    }
}
