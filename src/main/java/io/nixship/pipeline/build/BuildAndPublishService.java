package io.nixship.pipeline.build;

import io.nixship.image.ImageDestination;
import io.nixship.image.ImageInputs;
import io.nixship.image.LayerCompressor;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.registry.LayerUploads;
import io.nixship.registry.PushListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * {@code nixship build}: the project at a commit becomes an image in a layout, an archive or a
 * registry. For a registry, an image of the same inputs already there is the answer, with nothing
 * built; otherwise the push starts with the build, so each layer is uploaded as soon as it is
 * compressed, and the image's earlier version lends its unchanged layers.
 */
public final class BuildAndPublishService {
    /** Runs one stage of the work under a title (a collapsible group in GitHub Actions). */
    public interface Stages {
        <T> T run(String title, Supplier<T> work);
    }

    /**
     * {@code to} is {@code --to} (empty: the configured image); {@code workingDirectory} resolves a
     * relative layout or archive path; {@code jobs} layers compress at once; {@code extraTags} are
     * set on the image too; {@code rebuild} builds even when the registry holds an image of the
     * same inputs.
     */
    public record Request(
            Path projectDirectory,
            String commit,
            Optional<String> to,
            Path workingDirectory,
            OptionalInt maxLayers,
            Path cacheDirectory,
            LayerCompressor compressor,
            int jobs,
            List<String> extraTags,
            boolean rebuild) {
        public Request {
            extraTags = List.copyOf(extraTags);
        }
    }

    /** What the run did: found the image already there, or built and wrote or pushed it. */
    public sealed interface Outcome {
        Published published();
    }

    /** The registry already held the image of these inputs; only tags were set. */
    public record UpToDate(Published published) implements Outcome {}

    /** The image was built and written or pushed. */
    public record Built(BuiltImage image, Published published) implements Outcome {}

    private final ImageBuildService builder;
    private final ImagePublisher publisher;
    private final Stages stages;
    private final PushListener progress;

    public BuildAndPublishService(
            ImageBuildService builder,
            ImagePublisher publisher,
            Stages stages,
            PushListener progress) {
        this.builder = builder;
        this.publisher = publisher;
        this.stages = stages;
        this.progress = progress;
    }

    public Outcome run(Request request) {
        Optional<ImageDestination> given =
                request.to().map(to -> publisher.destination(to, request.workingDirectory()));
        // The registry check (client, credentials, one request) overlaps reading the commit.
        Optional<CompletableFuture<Void>> access =
                given.map(
                        destination ->
                                CompletableFuture.runAsync(
                                        () -> publisher.checkAccess(destination)));
        ImageInputs inputs =
                builder.inputs(buildRequest(request, PreviousImageLookup.NONE, LayerListener.NONE));
        // Without --to the destination is the configured image at the commit.
        ImageDestination destination =
                given.orElseGet(
                        () ->
                                publisher.destination(
                                        inputs.config().requireImage(),
                                        request.workingDirectory()));
        access.ifPresentOrElse(
                BuildAndPublishService::await, () -> publisher.checkAccess(destination));
        PreviousImageLookup reuse;
        if (request.rebuild()) {
            reuse = publisher.previousImage(destination, request.extraTags());
        } else {
            ImagePublisher.Existing existing =
                    publisher.existing(destination, inputs, request.extraTags());
            if (existing.upToDate().isPresent()) {
                return new UpToDate(existing.upToDate().get());
            }
            // The build's tag is inputs.tag(): the tags just read answer its lookup, with no second
            // read.
            reuse = tag -> existing.previous();
        }
        Optional<LayerUploads> uploads = publisher.startUploads(destination, progress);
        try {
            BuiltImage built =
                    stages.run(
                            "nixship build",
                            () ->
                                    builder.build(
                                            buildRequest(
                                                    request,
                                                    reuse,
                                                    uploads.<LayerListener>map(started -> started)
                                                            .orElse(LayerListener.NONE))));
            Published published =
                    stages.run(
                            "nixship publish",
                            () ->
                                    publisher.publish(
                                            built.image(),
                                            destination,
                                            built.tag(),
                                            request.extraTags(),
                                            built.config().image(),
                                            progress,
                                            uploads));
            return new Built(built, published);
        } finally {
            uploads.ifPresent(LayerUploads::close);
        }
    }

    private static ImageBuildService.Request buildRequest(
            Request request, PreviousImageLookup previousImage, LayerListener layerReady) {
        return ImageBuildService.Request.of(
                        request.projectDirectory(), request.commit(), request.cacheDirectory())
                .withMaxLayers(request.maxLayers())
                .withCompression(request.compressor(), request.jobs())
                .reusing(previousImage, layerReady);
    }

    private static void await(CompletableFuture<Void> access) {
        try {
            access.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
