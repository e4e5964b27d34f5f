package io.nixship.pipeline.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.config.NixshipConfig;
import io.nixship.image.ImageLabels;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.port.PreviousImage;
import io.nixship.pipeline.port.PreviousImages;
import io.nixship.pipeline.release.ImageContent;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.ImagePublisher.Published;
import java.util.Optional;
import java.util.OptionalLong;

/** Remembers the image the manifests named, for the comparison and the closure size. */
final class RememberedPrevious implements PreviousImages {
    private final PreviousImages source;
    private Optional<PreviousImage> last = Optional.empty();

    RememberedPrevious(PreviousImages source) {
        this.source = source;
    }

    @Override
    public Optional<PreviousImage> find(ImageReference reference) {
        last = source.find(reference);
        return last;
    }

    boolean identicalTo(BuiltImage built) {
        return last.isPresent()
                && ImageContent.same(
                        withoutPin(last.get().config()),
                        withoutPin(ImageContent.config(built.image())));
    }

    /**
     * {@code sink}, but an image identical to the one the manifests name (but for the pin's labels)
     * is not pushed.
     */
    ReleaseService.ImageSink skippingIdentical(ReleaseService.ImageSink sink) {
        return new ReleaseService.ImageSink() {
            @Override
            public ImageReference repository(NixshipConfig config) {
                return sink.repository(config);
            }

            @Override
            public ReleaseService.ImagePush open(
                    ImageReference repository, Optional<ImageReference> deployed) {
                ReleaseService.ImagePush push = sink.open(repository, deployed);
                return new ReleaseService.ImagePush() {
                    @Override
                    public Published publish(BuiltImage built, ImageReference target) {
                        if (identicalTo(built)) {
                            return new Published(
                                    target.toString(),
                                    target.digest(),
                                    target.tag(),
                                    Optional.empty());
                        }
                        return push.publish(built, target);
                    }

                    @Override
                    public PreviousImageLookup previousImage() {
                        return push.previousImage();
                    }

                    @Override
                    public LayerListener layerReady() {
                        return push.layerReady();
                    }

                    @Override
                    public void close() {
                        push.close();
                    }
                };
            }
        };
    }

    OptionalLong closureSize() {
        return last.map(image -> ImageLabels.read(image.config()).closureNarSize())
                .orElse(OptionalLong.empty());
    }

    private static JsonNode withoutPin(JsonNode config) {
        return ImageLabels.without(config, ImageLabels.NIXPKGS_PIN);
    }
}
