package io.nixship.registry;

import io.nixship.NixshipException;
import io.nixship.image.DockerArchiveWriter;
import io.nixship.image.ImageDestination;
import io.nixship.image.ImageInputs;
import io.nixship.image.OciImage;
import io.nixship.image.OciLayoutWriter;
import io.nixship.image.PreviousImageLookup;
import io.nixship.image.PreviousLayers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a built image where {@code --to} says: an OCI layout, a {@code docker load} archive or a
 * registry. Each destination is written whole or not at all: layouts and archives are renamed into
 * place, and a registry tag moves only after every blob is there.
 */
public final class ImagePublisher {
    private final RegistryHost host;
    private final RegistrySettings settings;
    private final Optional<RegistryCredentials> credentials;

    /**
     * Clients by API host: the access check and the push share one, so credentials are resolved
     * once.
     */
    private final Map<String, RegistryClient> clients = new HashMap<>();

    public ImagePublisher(
            RegistryHost host,
            RegistrySettings settings,
            Optional<RegistryCredentials> credentials) {
        this.host = host;
        this.settings = settings;
        this.credentials = credentials;
    }

    /**
     * Where the image went. {@code reference} is what a person or the next command uses: {@code
     * host/repo:tag@sha256:...} for a registry, {@code oci:DIR:tag} or {@code docker-archive:FILE}
     * otherwise; {@code push} is present for registries only.
     */
    public record Published(
            String reference, String digest, String tag, Optional<PushResult> push) {}

    /**
     * The destination {@code --to} names (see {@link ImageDestination#parse}). {@code
     * http://HOST/REPO[:TAG]} states that the registry has no TLS: it is accepted only for loopback
     * hosts and hosts named with {@code --insecure-registry}, and refused before any request
     * otherwise, so credentials never cross a network in plain text by accident.
     */
    public ImageDestination destination(String to, Path workingDir) {
        String scheme = "http://";
        if (to != null && to.regionMatches(true, 0, scheme, 0, scheme.length())) {
            String reference = to.substring(scheme.length());
            String host = RegistryTarget.parse(reference).host();
            if (!RegistryHttp.plainHttpAllowed(host, settings.insecureRegistries())) {
                throw NixshipException.usage(
                        "--to "
                                + to
                                + ": plain HTTP is allowed only to loopback registries and hosts"
                                + " named with --insecure-registry; pass --insecure-registry "
                                + host
                                + " if this registry has no TLS");
            }
            return new ImageDestination.Registry(reference);
        }
        return ImageDestination.parse(to, workingDir);
    }

    /**
     * For a registry destination, checks before the (long) build that the registry answers and
     * accepts our credentials, so a wrong password or an unreachable host fails in a second, not
     * after the build. Layouts and archives need no check.
     */
    public void checkAccess(ImageDestination destination) {
        if (destination instanceof ImageDestination.Registry registry) {
            RegistryTarget target = RegistryTarget.parse(registry.reference());
            client(target).ping();
        }
    }

    /**
     * Writes or pushes {@code image}. {@code defaultTag} applies when the destination names none;
     * {@code repository} is the configured image, used to name the image inside a docker archive.
     */
    public Published publish(
            OciImage image,
            ImageDestination destination,
            String defaultTag,
            List<String> extraTags,
            Optional<String> repository,
            PushListener listener) {
        return publish(
                image, destination, defaultTag, extraTags, repository, listener, Optional.empty());
    }

    /**
     * For a registry destination, starts the push before the image is complete: give the result to
     * the build as its {@link io.nixship.image.LayerListener}, so each layer is checked and
     * uploaded as soon as it is compressed, then to {@link #publish(OciImage, ImageDestination,
     * String, List, Optional, PushListener, Optional)}; close it in any case. Layouts and archives
     * get none: they are written whole at the end.
     */
    public Optional<LayerUploads> startUploads(
            ImageDestination destination, PushListener listener) {
        if (!(destination instanceof ImageDestination.Registry registry)) {
            return Optional.empty();
        }
        RegistryTarget target = RegistryTarget.parse(registry.reference());
        return Optional.of(client(target).startUploads(target.repository(), listener));
    }

    /**
     * Like the other {@code publish}, finishing the uploads {@code started} for this destination,
     * if any.
     */
    public Published publish(
            OciImage image,
            ImageDestination destination,
            String defaultTag,
            List<String> extraTags,
            Optional<String> repository,
            PushListener listener,
            Optional<LayerUploads> started) {
        if (destination instanceof ImageDestination.OciLayout layout) {
            new OciLayoutWriter().write(image, layout.directory(), defaultTag);
            return new Published(
                    "oci:" + layout.directory() + ":" + defaultTag,
                    image.manifestDigest(),
                    defaultTag,
                    Optional.empty());
        }
        if (destination instanceof ImageDestination.DockerArchive archive) {
            List<String> repoTags =
                    repository.map(repo -> List.of(repo + ":" + defaultTag)).orElse(List.of());
            new DockerArchiveWriter().write(image, archive.file(), repoTags);
            return new Published(
                    "docker-archive:" + archive.file(),
                    image.manifestDigest(),
                    defaultTag,
                    Optional.empty());
        }
        ImageDestination.Registry registry = (ImageDestination.Registry) destination;
        RegistryTarget target =
                RegistryTarget.parseWithDefaultTag(registry.reference(), defaultTag);
        RegistryClient client = client(target);
        PushResult result =
                started.isPresent()
                        ? client.push(image, target, extraTags, started.get())
                        : client.push(image, target, extraTags, listener);
        return new Published(
                result.reference(), result.digest(), target.tag(), Optional.of(result));
    }

    /**
     * For a registry destination, the image pushed there before (under the build's tag, else under
     * each of {@code fallbacks}, tags or digests in that repository, in order): a runner with an
     * empty cache then reuses the layers whose store paths did not change without tarring,
     * compressing or uploading them. Layouts and archives get none, since every layer they hold
     * needs its bytes.
     */
    public PreviousImageLookup previousImage(ImageDestination destination, List<String> fallbacks) {
        if (!(destination instanceof ImageDestination.Registry registry)) {
            return PreviousImageLookup.NONE;
        }
        return buildTag -> {
            RegistryTarget target =
                    RegistryTarget.parseWithDefaultTag(registry.reference(), buildTag);
            for (String candidate : candidates(target, fallbacks)) {
                Optional<RegistryManifest> manifest =
                        client(target).findManifest(target.repository(), candidate);
                if (manifest.isPresent()) {
                    return layersOf(target, candidate, manifest.get());
                }
            }
            return PreviousLayers.none();
        };
    }

    /**
     * What a registry destination holds for this build, read once: the image under the build's tag
     * (else under one of {@code extraTags}) whose manifest carries {@code inputs}' key, if any
     * (then every tag is pointed at it, and nothing needs building or uploading); otherwise the
     * layers of the first image found under those tags, for reuse as {@link #previousImage} would
     * find them. Nothing for layouts and archives.
     */
    public Existing existing(
            ImageDestination destination, ImageInputs inputs, List<String> extraTags) {
        if (!(destination instanceof ImageDestination.Registry registry)) {
            return new Existing(Optional.empty(), PreviousLayers.none());
        }
        RegistryTarget target =
                RegistryTarget.parseWithDefaultTag(registry.reference(), inputs.tag());
        RegistryClient client = client(target);
        Map<String, Optional<String>> seen = new HashMap<>();
        Optional<PreviousLayers> previous = Optional.empty();
        for (String candidate : candidates(target, extraTags)) {
            Optional<RegistryManifest> manifest =
                    client.findManifest(target.repository(), candidate);
            seen.put(candidate, manifest.map(RegistryManifest::digest));
            if (manifest.flatMap(found -> ImageInputs.keyIn(found.bytes()))
                    .filter(inputs.key()::equals)
                    .isPresent()) {
                PushResult result = client.retag(target, extraTags, manifest.get(), seen);
                return new Existing(
                        Optional.of(
                                new Published(
                                        result.reference(),
                                        result.digest(),
                                        target.tag(),
                                        Optional.of(result))),
                        PreviousLayers.none());
            }
            if (manifest.isPresent() && previous.isEmpty()) {
                previous = Optional.of(layersOf(target, candidate, manifest.get()));
            }
        }
        return new Existing(Optional.empty(), previous.orElse(PreviousLayers.none()));
    }

    /**
     * What {@link #existing} found: {@code upToDate} when the image of these inputs is there, else
     * the layers of the image pushed before ({@link PreviousLayers#none()} when there is none).
     */
    public record Existing(Optional<Published> upToDate, PreviousLayers previous) {}

    /**
     * The layers of the image {@code candidate} (a tag or digest of the target's repository) names.
     */
    private static PreviousLayers layersOf(
            RegistryTarget target, String candidate, RegistryManifest manifest) {
        String source =
                candidate.startsWith("sha256:")
                        ? target.host() + "/" + target.repository() + "@" + candidate
                        : target.withTag(candidate).toString();
        return PreviousLayers.fromManifest(manifest.bytes(), source);
    }

    /** The target's tag, then each of {@code others} (tags or digests) not already named. */
    private static List<String> candidates(RegistryTarget target, List<String> others) {
        List<String> candidates = new ArrayList<>(List.of(target.tag()));
        others.stream().filter(other -> !candidates.contains(other)).forEach(candidates::add);
        return candidates;
    }

    private RegistryClient client(RegistryTarget target) {
        return clients.computeIfAbsent(
                target.apiHost(),
                apiHost -> RegistryClient.forTarget(target, credentials, host, settings));
    }
}
