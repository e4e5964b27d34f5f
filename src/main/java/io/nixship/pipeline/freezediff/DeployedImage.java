package io.nixship.pipeline.freezediff;

import io.nixship.config.NixshipConfig;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.ImageSite;
import io.nixship.manifest.LocalManifestFiles;
import io.nixship.manifest.ManifestBumper;
import io.nixship.manifest.ManifestSpec;
import java.nio.file.Path;
import java.util.Optional;

/** The image a project's manifests currently reference: what is (or is about to be) deployed. */
public final class DeployedImage {
    private DeployedImage() {}

    /**
     * The first reference with a tag or digest to the configured {@code image} in the configured
     * {@code manifests} under {@code projectDirectory}; empty when either is not configured or no
     * manifest names the image.
     */
    public static Optional<ImageReference> find(NixshipConfig config, Path projectDirectory) {
        if (config.image().isEmpty() || config.manifests().isEmpty()) {
            return Optional.empty();
        }
        ImageReference image = ImageReference.parse(config.image().get());
        return new ManifestBumper(new LocalManifestFiles(projectDirectory))
                        .locate(
                                image,
                                config.manifests().stream().map(ManifestSpec::parse).toList())
                        .stream()
                        .map(ImageSite::reference)
                        .filter(reference -> reference.tag() != null || reference.digest() != null)
                        .findFirst();
    }
}
