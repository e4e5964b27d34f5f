package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.config.NixshipConfig;
import io.nixship.image.ImageDestination;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.registry.LayerUploads;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistrySettings;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code release} and {@code update-channel} put the built image: the configured repository
 * (or {@code --to}), pushed with progress; in a dry run nowhere, with nothing read from the
 * registry. A push is opened before its build, as {@code build --to} does: layers whose store paths
 * are unchanged are reused from the image under the build's tag (a re-run), else from the image the
 * manifests name, and each other layer is uploaded as soon as it is compressed.
 */
final class RegistryImageSink implements ReleaseService.ImageSink {
    private final CommandSession session;
    private final Optional<ImageReference> destination;
    private final ImagePublisher publisher;
    private final boolean dryRun;

    RegistryImageSink(
            CommandSession session,
            Optional<ImageReference> destination,
            RegistrySettings settings,
            Optional<RegistryCredentials> credentials,
            boolean dryRun) {
        this.session = session;
        this.destination = destination;
        CliContext context = session.context();
        this.publisher = new ImagePublisher(context.registryHost(), settings, credentials);
        this.dryRun = dryRun;
    }

    @Override
    public ImageReference repository(NixshipConfig config) {
        return destination.orElseGet(() -> repositoryOnly(config.requireImage()));
    }

    @Override
    public ReleaseService.ImagePush open(
            ImageReference repository, Optional<ImageReference> deployed) {
        if (dryRun) {
            return (built, target) ->
                    new Published(
                            target.toString(), target.digest(), target.tag(), Optional.empty());
        }
        ImageDestination registry = new ImageDestination.Registry(repository.repository());
        // Digest first: a tag may have moved since the manifests were written.
        List<String> deployedVersion =
                deployed
                        .map(image -> image.digest() != null ? image.digest() : image.tag())
                        .stream()
                        .toList();
        PushProgress progress =
                session.showProgress(new PushProgress(session, session.context().interactive()));
        return new RegistryPush(
                publisher.previousImage(registry, deployedVersion),
                publisher.startUploads(registry, progress),
                progress);
    }

    /**
     * A repository without tag or digest: the tag comes from the template, the digest from the
     * build.
     */
    static ImageReference repositoryOnly(String reference) {
        ImageReference parsed = ImageReference.parse(reference);
        if (parsed.tag() != null || parsed.digest() != null) {
            throw NixshipException.usage(
                    "image repository '"
                            + reference
                            + "' must not carry a tag or digest; the tag comes from the tag template and the digest from the build");
        }
        return parsed;
    }

    /** One image's push to the registry, its uploads running while the build still compresses. */
    private final class RegistryPush implements ReleaseService.ImagePush {
        private final PreviousImageLookup previousImage;
        private final Optional<LayerUploads> uploads;
        private final PushProgress progress;

        RegistryPush(
                PreviousImageLookup previousImage,
                Optional<LayerUploads> uploads,
                PushProgress progress) {
            this.previousImage = previousImage;
            this.uploads = uploads;
            this.progress = progress;
        }

        @Override
        public PreviousImageLookup previousImage() {
            return previousImage;
        }

        @Override
        public LayerListener layerReady() {
            return uploads.<LayerListener>map(started -> started).orElse(LayerListener.NONE);
        }

        @Override
        public Published publish(BuiltImage built, ImageReference target) {
            Published published =
                    session.group(
                            "nixship push",
                            () ->
                                    publisher.publish(
                                            built.image(),
                                            new ImageDestination.Registry(
                                                    target.repository() + ":" + target.tag()),
                                            target.tag(),
                                            List.of(),
                                            Optional.of(target.repository()),
                                            progress,
                                            uploads));
            published.push().ifPresent(push -> session.log(push.summary()));
            return published;
        }

        @Override
        public void close() {
            uploads.ifPresent(LayerUploads::close);
            progress.end();
        }
    }
}
