package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import io.nixship.image.Blob;
import io.nixship.image.Digests;
import io.nixship.image.Layer;
import io.nixship.image.OciImage;
import io.nixship.registry.RegistryHttp.Request;
import io.nixship.registry.RegistryHttp.Response;
import io.nixship.registry.RegistryHttp.Transient;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pushes an {@link OciImage} to one registry host following the OCI distribution spec: blobs the
 * repository lacks (mounted from a sibling repository when one is known to hold them, else uploaded
 * in one streamed PUT; a layer being compressed is streamed while it is made, see {@link
 * LayerUploads}), then the config, then the manifest by digest, and only then the tags.
 *
 * <p>Written on java.net.http rather than the ORAS Java SDK because ORAS re-serialises manifests
 * (our digest is over exact bytes), cannot mount across repositories and uploads only files or byte
 * arrays.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_CHECKS_AT_ONCE = 16;

    private final RegistryHttp http;
    private final RegistrySettings settings;
    private final BlobLocations locations;

    /** The registry answered {@code /v2/} with our credentials. */
    private volatile boolean answered;

    /**
     * @param host the API host with its port, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000} (use
     *     {@link RegistryTarget#apiHost()})
     * @param credentials for this host; empty for anonymous access
     */
    public RegistryClient(
            String host,
            Optional<RegistryCredentials> credentials,
            RegistrySettings settings,
            BlobLocations locations) {
        this.http =
                new RegistryHttp(
                        host,
                        credentials,
                        settings.insecureRegistries(),
                        settings.retry(),
                        settings.clock(),
                        settings.secretSeen(),
                        settings.timeout());
        this.settings = settings;
        this.locations = locations;
    }

    /**
     * A client for {@code target}'s registry with the credentials found for it (explicit ones
     * first, see {@link DockerCredentials}) and blob locations kept in the nixship cache directory.
     *
     * @param host where Docker's configuration, credential helpers and the cache are
     */
    public static RegistryClient forTarget(
            RegistryTarget target,
            Optional<RegistryCredentials> explicit,
            RegistryHost host,
            RegistrySettings settings) {
        Optional<RegistryCredentials> credentials =
                new DockerCredentials(host).resolve(target.host(), explicit);
        // Secrets from ~/.docker/config.json or a credential helper are masked like the explicit
        // ones, before any request.
        credentials.ifPresent(found -> settings.secretSeen().accept(found.secret()));
        BlobLocations locations = new FileBlobLocations(host.cacheDirectory());
        return new RegistryClient(target.apiHost(), credentials, settings, locations);
    }

    /**
     * Checks the registry answers the API at {@code /v2/} and that our credentials (if any) work;
     * once per client, since the access check before a build and the push after it share one.
     */
    public void ping() {
        if (answered) {
            return;
        }
        Request request = Request.of("GET", http.uri("/v2/"));
        Response response = http.send(request, List.of());
        if (response.status() != 200) {
            throw http.refusal(response);
        }
        answered = true;
    }

    /** Whether {@code repository} has the blob. */
    public boolean hasBlob(String repository, String digest) {
        return headBlob(repository, digest, pushScopes(repository));
    }

    /**
     * The image config of {@code reference} (a tag or digest) in {@code repository}: the labels an
     * image built by nixship carries (its freeze, its nixpkgs revision). Empty when the registry
     * has no such manifest or it is an index rather than one image; both blobs are checked against
     * their digests.
     */
    public Optional<byte[]> imageConfig(String repository, String reference) {
        return findManifest(repository, reference)
                .flatMap(
                        manifest -> {
                            String configDigest;
                            try {
                                configDigest =
                                        JSON.readTree(manifest.bytes())
                                                .path("config")
                                                .path("digest")
                                                .asText("");
                            } catch (IOException e) {
                                throw NixshipException.failure(
                                        "registry "
                                                + http.host()
                                                + ": the manifest of "
                                                + repository
                                                + ":"
                                                + reference
                                                + " is not JSON",
                                        e);
                            }
                            return configDigest.startsWith("sha256:")
                                    ? Optional.of(fetchBlob(repository, configDigest))
                                    : Optional.empty();
                        });
    }

    /**
     * Pushes {@code image} to {@code target} and tags it with the target's tag and each of {@code
     * extraTags}. Nothing is tagged unless every blob is in the repository and the registry reports
     * our manifest digest.
     */
    public PushResult push(
            OciImage image, RegistryTarget target, List<String> extraTags, PushListener listener) {
        checkHost(target);
        try (LayerUploads uploads = startUploads(target.repository(), listener)) {
            return push(image, target, extraTags, uploads);
        }
    }

    /**
     * Starts a push to {@code repository} before its image is complete: each layer given to the
     * result is checked and, when missing, uploaded at once, while the caller still makes the
     * others. Finish it with {@link #push(OciImage, RegistryTarget, List, LayerUploads)} and close
     * it in any case.
     */
    public LayerUploads startUploads(String repository, PushListener listener) {
        ping();
        List<String> scopes = pushScopes(repository);
        return new LayerUploads(
                http.host(),
                repository,
                MAX_CHECKS_AT_ONCE,
                settings.jobs(),
                listener,
                new LayerUploads.Transfer() {
                    @Override
                    public boolean present(String digest) {
                        boolean present = headBlob(repository, digest, scopes);
                        if (present) {
                            locations.remember(http.host(), repository, digest);
                        }
                        return present;
                    }

                    @Override
                    public BlobOutcome send(Blob blob) {
                        return mountOrUpload(repository, blob, listener, 0);
                    }

                    @Override
                    public StreamedUpload stream(Executor executor) {
                        return openStream(repository, scopes, executor, listener);
                    }

                    @Override
                    public BlobOutcome finish(StreamedUpload upload, Blob blob) {
                        return finishStream(repository, upload, blob, listener);
                    }
                });
    }

    /**
     * Finishes a push started with {@link #startUploads}: the layers not offered yet are checked
     * and uploaded now, and once every layer is in, the config, the manifest and then the tags
     * follow.
     */
    public PushResult push(
            OciImage image, RegistryTarget target, List<String> extraTags, LayerUploads uploads) {
        checkHost(target);
        String repository = target.repository();
        if (!uploads.host().equals(http.host()) || !uploads.repository().equals(repository)) {
            throw new IllegalArgumentException(
                    "uploads to "
                            + uploads.host()
                            + "/"
                            + uploads.repository()
                            + " cannot finish a push to "
                            + target.host()
                            + "/"
                            + repository);
        }
        List<String> scopes = pushScopes(repository);
        PushListener listener = uploads.listener();

        Map<String, Blob> blobs = new LinkedHashMap<>();
        for (Layer layer : image.layers()) {
            blobs.putIfAbsent(layer.blob().descriptor().digest(), layer.blob());
        }
        long blobBytes =
                image.config().descriptor().size()
                        + blobs.values().stream().mapToLong(blob -> blob.descriptor().size()).sum();
        listener.started(blobs.size(), blobBytes);
        Map<String, BlobOutcome> outcomes = uploads.finish(List.copyOf(blobs.values()));

        Blob config = image.config();
        boolean configUploaded =
                !headBlob(repository, config.descriptor().digest(), scopes)
                        && mountOrUpload(repository, config, listener, 0) == BlobOutcome.UPLOADED;

        byte[] manifest = image.manifest();
        String mediaType = manifestMediaType(manifest);
        putManifest(
                repository,
                image.manifestDigest(),
                manifest,
                mediaType,
                image.manifestDigest(),
                scopes);
        List<String> tags = tagsFor(target, extraTags);
        for (String tag : tags) {
            putManifest(repository, tag, manifest, mediaType, image.manifestDigest(), scopes);
        }
        listener.finished();

        long uploadedBytes =
                (configUploaded ? config.descriptor().size() : 0) + uploads.bytesUploaded();
        return new PushResult(
                target,
                image.manifestDigest(),
                tags,
                image.totalSize(),
                blobs.size(),
                Collections.frequency(outcomes.values(), BlobOutcome.UPLOADED),
                Collections.frequency(outcomes.values(), BlobOutcome.SKIPPED),
                Collections.frequency(outcomes.values(), BlobOutcome.MOUNTED),
                uploadedBytes);
    }

    /**
     * Points the target's tag and each of {@code extraTags} at {@code manifest}, a manifest {@code
     * target}'s repository already holds (with all its blobs, or the registry would not have taken
     * it): a re-push of an image that is already there, which uploads nothing. Tags already
     * pointing at it are left alone; {@code seen} holds the digests the caller just read for some
     * tags (empty for a tag that does not exist), which are not read again.
     */
    public PushResult retag(
            RegistryTarget target,
            List<String> extraTags,
            RegistryManifest manifest,
            Map<String, Optional<String>> seen) {
        checkHost(target);
        String repository = target.repository();
        List<String> scopes = pushScopes(repository);
        List<String> tags = tagsFor(target, extraTags);
        for (String tag : tags) {
            Optional<String> digest =
                    seen.containsKey(tag)
                            ? seen.get(tag)
                            : findManifest(repository, tag).map(RegistryManifest::digest);
            boolean current = digest.filter(manifest.digest()::equals).isPresent();
            if (!current) {
                putManifest(
                        repository,
                        tag,
                        manifest.bytes(),
                        manifest.mediaType(),
                        manifest.digest(),
                        scopes);
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(manifest.bytes());
        } catch (IOException e) {
            throw NixshipException.failure(
                    "registry "
                            + http.host()
                            + ": the manifest "
                            + manifest.digest()
                            + " is not JSON",
                    e);
        }
        long size = manifest.bytes().length + root.path("config").path("size").asLong();
        Set<String> layers = new HashSet<>();
        for (JsonNode layer : root.path("layers")) {
            if (layers.add(layer.path("digest").asText())) {
                size += layer.path("size").asLong();
            }
        }
        return new PushResult(
                target, manifest.digest(), tags, size, layers.size(), 0, layers.size(), 0, 0);
    }

    private void checkHost(RegistryTarget target) {
        if (!target.apiHost().equals(http.host())) {
            throw new IllegalArgumentException(
                    "client for " + http.host() + " cannot push to " + target.host());
        }
    }

    /** Media types a manifest read accepts: single-platform manifests first, then indexes. */
    static final List<String> MANIFEST_ACCEPT =
            List.of(
                    OciImage.MANIFEST_MEDIA_TYPE,
                    "application/vnd.docker.distribution.manifest.v2+json",
                    "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json");

    /**
     * GETs the manifest {@code reference} (a tag or a digest) of {@code repository}, exactly as
     * stored. A digest reference is checked against the bytes received.
     */
    public RegistryManifest fetchManifest(String repository, String reference) {
        return findManifest(repository, reference)
                .orElseThrow(
                        () ->
                                NixshipException.usage(
                                        "registry "
                                                + http.host()
                                                + " has no manifest "
                                                + repository
                                                + (reference.contains(":") ? "@" : ":")
                                                + reference
                                                + "; check the image reference"));
    }

    /** Like {@link #fetchManifest}, but empty when the registry has no such manifest. */
    public Optional<RegistryManifest> findManifest(String repository, String reference) {
        URI uri = http.uri("/v2/" + repository + "/manifests/" + reference);
        Response response =
                http.send(
                        new Request(
                                "GET",
                                uri,
                                Map.of("Accept", String.join(", ", MANIFEST_ACCEPT)),
                                BodyPublishers::noBody),
                        pullScopes(repository));
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw http.refusal(response);
        }
        String digest = Digests.sha256(response.body());
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw NixshipException.failure(
                    "registry "
                            + http.host()
                            + ": manifest "
                            + reference
                            + " arrived with digest "
                            + digest);
        }
        String mediaType =
                response.header("Content-Type").map(type -> type.split(";")[0].strip()).orElse("");
        return Optional.of(new RegistryManifest(mediaType, digest, response.body()));
    }

    /** GETs a small blob (a config) of {@code repository} into memory and checks its digest. */
    public byte[] fetchBlob(String repository, String digest) {
        URI uri = http.uri("/v2/" + repository + "/blobs/" + digest);
        Response response = http.send(Request.of("GET", uri), pullScopes(repository));
        if (response.status() != 200) {
            throw http.refusal(response);
        }
        String received = Digests.sha256(response.body());
        if (!received.equals(digest)) {
            throw NixshipException.failure(
                    "registry "
                            + http.host()
                            + ": blob "
                            + digest
                            + " arrived with digest "
                            + received);
        }
        return response.body();
    }

    private static List<String> pullScopes(String repository) {
        return List.of("repository:" + repository + ":pull");
    }

    private static List<String> tagsFor(RegistryTarget target, List<String> extraTags) {
        List<String> tags = new ArrayList<>();
        tags.add(target.tag());
        for (String extra : extraTags) {
            String tag = target.withTag(extra).tag();
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        }
        return tags;
    }

    private static List<String> pushScopes(String repository) {
        return List.of("repository:" + repository + ":pull,push");
    }

    private boolean headBlob(String repository, String digest, List<String> scopes) {
        Response response =
                http.send(
                        Request.of("HEAD", http.uri("/v2/" + repository + "/blobs/" + digest)),
                        scopes);
        if (response.status() == 200) {
            return true;
        }
        if (response.status() == 404) {
            return false;
        }
        throw http.refusal(response);
    }

    /**
     * Opens an upload session on {@code executor} and starts a PATCH into it whose chunked body is
     * written as the layer is compressed. docker's own push streams a layer the same way (one PATCH
     * of unknown length, then PUT with the digest), so registries accept it.
     */
    private StreamedUpload openStream(
            String repository, List<String> scopes, Executor executor, PushListener listener) {
        StreamedBody body = new StreamedBody();
        CompletableFuture<Response> patch =
                CompletableFuture.supplyAsync(
                                () -> inFuture(() -> startSession(repository, scopes)), executor)
                        .thenCompose(
                                session ->
                                        inFuture(
                                                () ->
                                                        http.sendOnce(
                                                                new Request(
                                                                        "PATCH",
                                                                        session,
                                                                        Map.of(
                                                                                "Content-Type",
                                                                                "application/octet-stream"),
                                                                        () -> body),
                                                                scopes)));
        // A session that cannot be opened, a PATCH cut short or answered before its end releases
        // the
        // compressor at once (off the HTTP client's threads); after the last byte this changes
        // nothing.
        var unused =
                patch.whenCompleteAsync(
                        (response, failure) ->
                                body.fail(
                                        failure != null
                                                ? failure
                                                : new IOException("the registry answered early")),
                        executor);
        return new StreamedUpload(body, patch, listener);
    }

    /** Runs a request step inside a future: its failures become the future's. */
    private static <T> T inFuture(RegistryHttp.Attempt<T> step) {
        try {
            return step.run();
        } catch (IOException | Transient e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /**
     * Ends a streamed upload and closes its session with the digest computed while streaming. A
     * session the registry refused to open fails the blob (another try would be refused too); any
     * other failure (a cut connection, a 5xx, a registry that refuses a body of unknown length)
     * uploads the blob again from the cache file just written, as the remaining tries of the retry
     * policy.
     */
    private BlobOutcome finishStream(
            String repository, StreamedUpload upload, Blob blob, PushListener listener) {
        String digest = blob.descriptor().digest();
        String failure;
        try {
            failure =
                    closeStreamedSession(upload.end().join(), digest, pushScopes(repository))
                            .orElse(null);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NixshipException refused) {
                throw refused;
            }
            failure = cause.toString();
        }
        if (failure == null) {
            locations.remember(http.host(), repository, digest);
            return BlobOutcome.UPLOADED;
        }
        upload.failed();
        if (http.maxAttempts() <= 1) {
            throw NixshipException.failure(
                    "registry "
                            + http.host()
                            + ": streamed upload of "
                            + digest
                            + " failed: "
                            + failure);
        }
        return mountOrUpload(repository, blob, listener, 1);
    }

    /**
     * PUTs the digest into the session the PATCH left; what went wrong, if anything another upload
     * may fix.
     */
    private Optional<String> closeStreamedSession(
            Response patched, String digest, List<String> scopes) {
        if (patched.status() != 202 || patched.header("Location").isEmpty()) {
            return Optional.of(patched.method() + " answered " + patched.status());
        }
        URI session = patched.uri().resolve(patched.header("Location").get());
        Response closed;
        try {
            closed =
                    http.exchange(
                            new Request(
                                    "PUT",
                                    withDigest(session, digest),
                                    Map.of("Content-Type", "application/octet-stream"),
                                    BodyPublishers::noBody),
                            scopes);
        } catch (IOException e) {
            return Optional.of(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure(
                    "registry " + http.host() + ": upload of " + digest + " was interrupted");
        }
        if (closed.status() != 201) {
            return Optional.of("PUT answered " + closed.status());
        }
        verifyDigest(closed, digest);
        return Optional.empty();
    }

    private static URI withDigest(URI session, String digest) {
        return URI.create(
                session
                        + (session.getRawQuery() == null ? "?" : "&")
                        + "digest="
                        + RegistryHttp.encode(digest));
    }

    /**
     * {@code failedAlready}: tries of this blob that failed another way (a stream), counted by the
     * retry policy.
     */
    private BlobOutcome mountOrUpload(
            String repository, Blob blob, PushListener listener, int failedAlready) {
        String digest = blob.descriptor().digest();
        Optional<String> source =
                locations
                        .repositoryHolding(http.host(), digest)
                        .filter(other -> !other.equals(repository));
        Optional<URI> session = Optional.empty();
        if (source.isPresent()) {
            List<String> scopes =
                    List.of(pushScopes(repository).get(0), "repository:" + source.get() + ":pull");
            URI mount =
                    http.uri(
                            "/v2/"
                                    + repository
                                    + "/blobs/uploads/?mount="
                                    + RegistryHttp.encode(digest)
                                    + "&from="
                                    + RegistryHttp.encode(source.get()));
            Response response =
                    http.send(new Request("POST", mount, Map.of(), BodyPublishers::noBody), scopes);
            if (response.status() == 201) {
                verifyDigest(response, digest);
                locations.remember(http.host(), repository, digest);
                return BlobOutcome.MOUNTED;
            }
            if (response.status() == 202) {
                session =
                        response.header("Location")
                                .map(location -> response.uri().resolve(location));
            }
        }
        upload(repository, blob, session, listener, failedAlready);
        locations.remember(http.host(), repository, digest);
        return BlobOutcome.UPLOADED;
    }

    /**
     * Starts an upload session and PUTs the whole blob into it, streamed from its file. A failed
     * attempt starts over with a new session: a session cut mid-body may hold part of the bytes.
     */
    private void upload(
            String repository,
            Blob blob,
            Optional<URI> firstSession,
            PushListener listener,
            int failedAlready) {
        String digest = blob.descriptor().digest();
        long size = blob.descriptor().size();
        List<String> scopes = pushScopes(repository);
        AtomicReference<URI> reusable = new AtomicReference<>(firstSession.orElse(null));
        http.retrying(
                "upload of " + digest,
                failedAlready,
                () -> {
                    URI offered = reusable.getAndSet(null);
                    URI session = offered != null ? offered : startSession(repository, scopes);
                    URI put = withDigest(session, digest);
                    AtomicLong sent = new AtomicLong();
                    List<InputStream> opened = Collections.synchronizedList(new ArrayList<>());
                    Response response;
                    try {
                        response =
                                http.exchange(
                                        new Request(
                                                "PUT",
                                                put,
                                                Map.of("Content-Type", "application/octet-stream"),
                                                () -> streamed(blob, size, opened, sent, listener)),
                                        scopes);
                    } catch (IOException | RuntimeException e) {
                        listener.bytesSent(-sent.get());
                        throw e;
                    } finally {
                        closeAll(opened);
                    }
                    if (response.status() != 201) {
                        listener.bytesSent(-sent.get());
                        if (RegistryHttp.isTransient(response.status())) {
                            throw new Transient(response);
                        }
                        throw http.refusal(response);
                    }
                    verifyDigest(response, digest);
                    return digest;
                });
    }

    private URI startSession(String repository, List<String> scopes)
            throws IOException, InterruptedException, Transient {
        Response response =
                http.exchange(
                        new Request(
                                "POST",
                                http.uri("/v2/" + repository + "/blobs/uploads/"),
                                Map.of(),
                                BodyPublishers::noBody),
                        scopes);
        if (RegistryHttp.isTransient(response.status())) {
            throw new Transient(response);
        }
        if (response.status() != 202 || response.header("Location").isEmpty()) {
            throw http.refusal(response);
        }
        return response.uri().resolve(response.header("Location").get());
    }

    private static BodyPublisher streamed(
            Blob blob,
            long size,
            List<InputStream> opened,
            AtomicLong sent,
            PushListener listener) {
        return BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(
                        () -> {
                            try {
                                InputStream in =
                                        new CountingStream(blob.content().open(), sent, listener);
                                opened.add(in);
                                return in;
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }),
                size);
    }

    private static void closeAll(List<InputStream> streams) {
        synchronized (streams) {
            for (InputStream in : streams) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // The request is over; a close failure of our own file changes nothing.
                }
            }
        }
    }

    private void putManifest(
            String repository,
            String reference,
            byte[] manifest,
            String mediaType,
            String digest,
            List<String> scopes) {
        URI uri = http.uri("/v2/" + repository + "/manifests/" + reference);
        Response response =
                http.send(
                        new Request(
                                "PUT",
                                uri,
                                Map.of("Content-Type", mediaType),
                                () -> BodyPublishers.ofByteArray(manifest)),
                        scopes);
        if (response.status() != 201) {
            throw http.refusal(response);
        }
        verifyDigest(response, digest);
    }

    /**
     * The registry must have stored exactly our bytes: its digest must be ours (absent is not
     * proof).
     */
    private void verifyDigest(Response response, String expected) {
        String reported = response.header("Docker-Content-Digest").orElse(null);
        if (!expected.equals(reported)) {
            throw NixshipException.failure(
                    "registry "
                            + http.host()
                            + ": "
                            + response.method()
                            + " "
                            + response.uri().getRawPath()
                            + " stored digest "
                            + (reported == null ? "(none reported)" : reported)
                            + " but we sent "
                            + expected);
        }
    }

    private static String manifestMediaType(byte[] manifest) {
        try {
            String declared = JSON.readTree(manifest).path("mediaType").asText("");
            return declared.isEmpty() ? OciImage.MANIFEST_MEDIA_TYPE : declared;
        } catch (IOException e) {
            throw NixshipException.failure("the image manifest is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Counts bytes as the HTTP client reads them, for progress and for undoing a failed attempt's
     * count.
     */
    private static final class CountingStream extends FilterInputStream {
        private final AtomicLong sent;
        private final PushListener listener;

        CountingStream(InputStream in, AtomicLong sent, PushListener listener) {
            super(in);
            this.sent = sent;
            this.listener = listener;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            sent.addAndGet(n);
            listener.bytesSent(n);
        }
    }
}
