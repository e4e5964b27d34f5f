package io.nixship.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.port.PreviousImage;
import io.nixship.pipeline.port.PreviousImages;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The config of the image the manifests name now, read from the registry (two small GETs, no
 * layers): its labels give the freeze to diff against and the content to compare. Best effort: an
 * image that is gone or a registry that will not answer gives empty, and the pull request lists the
 * new freeze instead; it never fails a release.
 */
public final class RegistryPreviousImages implements PreviousImages {
    private static final ObjectMapper JSON = Json.mapper();

    private final RegistryHost host;
    private final RegistrySettings settings;
    private final Optional<HostCredentials> credentials;
    private final Consumer<String> log;

    public RegistryPreviousImages(
            RegistryHost host,
            RegistrySettings settings,
            Optional<HostCredentials> credentials,
            Consumer<String> log) {
        this.host = host;
        this.settings = settings;
        this.credentials = credentials;
        this.log = log;
    }

    @Override
    public Optional<PreviousImage> find(ImageReference reference) {
        String version = reference.digest() != null ? reference.digest() : reference.tag();
        if (version == null) {
            return Optional.empty();
        }
        try {
            RegistryTarget target =
                    RegistryTarget.parseWithDefaultTag(
                            reference.repository(), RegistryTarget.DEFAULT_TAG);
            RegistryClient client =
                    RegistryClient.forTarget(
                            target,
                            credentials.flatMap(given -> given.forHost(target.host())),
                            host,
                            settings);
            Optional<byte[]> config = client.imageConfig(target.repository(), version);
            if (config.isEmpty()) {
                log.accept(
                        "previous image "
                                + reference
                                + " is not in the registry; listing the new freeze instead");
                return Optional.empty();
            }
            return Optional.of(new PreviousImage(reference, JSON.readTree(config.get())));
        } catch (NixshipException | IOException e) {
            log.accept(
                    "previous image "
                            + reference
                            + ": freeze not available ("
                            + e.getMessage()
                            + "); listing the new freeze instead");
            return Optional.empty();
        }
    }
}
