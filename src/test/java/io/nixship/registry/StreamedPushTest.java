package io.nixship.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.nixship.image.AssembledImage;
import io.nixship.image.ClosureLayerPlanner;
import io.nixship.image.Digests;
import io.nixship.image.ImageAssembler;
import io.nixship.image.ImageSettings;
import io.nixship.image.Layer;
import io.nixship.image.LayerBlobStore;
import io.nixship.image.LayerCompressor;
import io.nixship.image.LayerListener;
import io.nixship.image.LayerStream;
import io.nixship.image.LayerTarWriter;
import io.nixship.image.OciImage;
import io.nixship.image.PreviousLayers;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import io.nixship.testsupport.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push from the build: each layer compressed for it goes to the registry while it is made (one
 * PATCH of unknown length, then PUT with the digest computed on the way) and into the cache in the
 * same pass; a stream that fails is uploaded again from the cache file, never tarred again.
 */
class StreamedPushTest {
    private static final String LIBS = "/nix/store/" + "l".repeat(32) + "-libs";
    private static final String TOOLS = "/nix/store/" + "t".repeat(32) + "-tools";
    private static final String ENV = "/nix/store/" + "e".repeat(32) + "-env";

    /**
     * Random bytes do not compress: the layer is this big on the wire, more than socket buffers
     * hold.
     */
    private static final int BIG_FILE = 32 * 1024 * 1024;

    @TempDir Path temp;
    private RegistryServer registry;
    private Path storeRoot;

    @BeforeEach
    void start() throws IOException {
        registry = RegistryServer.start();
        storeRoot = temp.resolve("root");
        byte[] big = new byte[BIG_FILE];
        new Random(9).nextBytes(big);
        write(LIBS, "lib/libbig.so", big);
        write(TOOLS, "bin/tool", "#!/bin/sh\necho tool\n".repeat(1000).getBytes(UTF_8));
        write(ENV, "bin/run", "#!/bin/sh\nexec tool\n".getBytes(UTF_8));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private void write(String storePath, String relative, byte[] content) throws IOException {
        Path file = storeRoot.resolve(storePath.substring(1)).resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static Closure closure() {
        return new Closure(
                ENV,
                List.of(
                        new StorePathInfo(ENV, 100, List.of(LIBS, TOOLS)),
                        new StorePathInfo(TOOLS, 20_000, List.of(LIBS)),
                        new StorePathInfo(LIBS, BIG_FILE, List.of())));
    }

    private AssembledImage assemble(Path cache, LayerListener ready) throws IOException {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("main.py"), "print('hi')\n");
        ImageSettings settings =
                new ImageSettings(
                        "amd64",
                        "linux",
                        Map.of(),
                        List.of(),
                        List.of("run"),
                        "/app",
                        null,
                        List.of(),
                        Map.of(),
                        Instant.parse("2026-11-24T10:15:30Z"),
                        Map.of());
        return new ImageAssembler(
                        new LayerBlobStore(cache),
                        storeRoot,
                        new LayerTarWriter(),
                        new LayerCompressor(),
                        2)
                .assemble(
                        closure(),
                        new ClosureLayerPlanner().plan(closure()),
                        app,
                        settings,
                        PreviousLayers.none(),
                        ready);
    }

    private RegistryClient client(RecordingSleeper sleeper) {
        return client(registry.host(), sleeper);
    }

    private RegistryClient client(String host, RecordingSleeper sleeper) {
        return new RegistryClient(
                host,
                Optional.empty(),
                RegistrySettings.defaults().withRetry(sleeper.policy()).withJobs(2),
                BlobLocations.inMemory());
    }

    /**
     * Bytes the registry holds in upload sessions not closed yet: what a stream has delivered so
     * far.
     */
    private long bytesInOpenUploads() throws IOException {
        Path uploads = registry.storage().resolve("docker/registry/v2/repositories/app/_uploads");
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        // Sessions of other layers close (and vanish) meanwhile: a vanished file counts as nothing.
        long total = 0;
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(uploads)) {
            for (Path session : sessions) {
                total += session.resolve("data").toFile().length();
            }
        }
        return total;
    }

    /**
     * Passes everything to the push, and runs {@code onBytes} with the bytes each stream has had so
     * far.
     */
    private static LayerListener watching(
            LayerUploads uploads, List<Layer> streamed, StreamWatch onBytes) {
        return new LayerListener() {
            @Override
            public void layerReady(Layer layer) {
                uploads.layerReady(layer);
            }

            @Override
            public LayerStream layerStarting() {
                LayerStream stream = uploads.layerStarting();
                AtomicLong written = new AtomicLong();
                return new LayerStream() {
                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        stream.write(bytes, offset, length);
                        onBytes.written(written.addAndGet(length));
                    }

                    @Override
                    public void completed(Layer layer) {
                        onBytes.completing(layer);
                        streamed.add(layer);
                        stream.completed(layer);
                    }

                    @Override
                    public void abandoned() {
                        stream.abandoned();
                    }
                };
            }
        };
    }

    /** What a test does as a stream goes. */
    private interface StreamWatch {
        void written(long soFar);

        @SuppressWarnings("UnusedVariable") // a no-op default; the one override reads it
        default void completing(Layer layer) {}
    }

    @Test
    void aColdPushStreamsEachLayerWithoutReadingItBackFromTheCache() throws Exception {
        List<Layer> streamed = new CopyOnWriteArrayList<>();
        List<Long> deliveredBeforeTheEnd = new CopyOnWriteArrayList<>();
        RegistryClient client = client(new RecordingSleeper());
        RegistryTarget target = RegistryTarget.parse(registry.host() + "/app:v1");
        PushResult result;
        AssembledImage assembled;
        try (LayerUploads uploads = client.startUploads("app", PushListener.NONE)) {
            assembled =
                    assemble(
                            temp.resolve("cache"),
                            watching(
                                    uploads,
                                    streamed,
                                    new StreamWatch() {
                                        @Override
                                        public void written(long soFar) {}

                                        @Override
                                        public void completing(Layer layer) {
                                            if (layer.storePaths().contains(LIBS)) {
                                                try {
                                                    deliveredBeforeTheEnd.add(bytesInOpenUploads());
                                                } catch (IOException e) {
                                                    throw new UncheckedIOException(e);
                                                }
                                            }
                                        }
                                    }));
            result = client.push(assembled.image(), target, List.of(), uploads);
        }

        OciImage image = assembled.image();
        List<String> storePathLayers =
                image.layers().stream()
                        .filter(l -> !l.storePaths().isEmpty())
                        .map(l -> l.blob().descriptor().digest())
                        .toList();
        assertThat(streamed)
                .extracting(l -> l.blob().descriptor().digest())
                .containsExactlyInAnyOrderElementsOf(storePathLayers);
        // The registry had most of the big layer while its last bytes were still being compressed.
        assertThat(deliveredBeforeTheEnd)
                .singleElement()
                .satisfies(bytes -> assertThat(bytes).isGreaterThan(BIG_FILE / 2));
        List<RegistryServer.LoggedRequest> requests = registry.requests();
        assertThat(requests)
                .filteredOn(r -> r.method().equals("PATCH") && r.status() == 202)
                .hasSize(storePathLayers.size());
        assertThat(registry.uploadedDigests())
                .containsAll(storePathLayers)
                .hasSize(image.layers().size() + 1);
        // Nothing asked whether the registry had a layer compressed for this push: it could not
        // have it.
        assertThat(requests)
                .filteredOn(r -> r.method().equals("HEAD"))
                .noneMatch(r -> storePathLayers.stream().anyMatch(r.path()::endsWith));
        assertThat(result.layersUploaded()).isEqualTo(image.layers().size());
        assertThat(result.bytesUploaded()).isEqualTo(image.totalSize() - image.manifest().length);
        assertThat(
                        RegistryPushTest.skopeo(
                                "inspect",
                                "--tls-verify=false",
                                "docker://" + registry.host() + "/app:v1"))
                .contains(image.manifestDigest());
        // The cache holds the same bytes, so a local rebuild compresses nothing.
        for (Layer layer : image.layers()) {
            Path blob =
                    new LayerBlobStore(temp.resolve("cache"))
                            .blobPath(layer.blob().descriptor().digest());
            assertThat(Digests.sha256(Files.readAllBytes(blob)))
                    .isEqualTo(layer.blob().descriptor().digest());
        }
        List<Layer> streamedAgain = new CopyOnWriteArrayList<>();
        try (LayerUploads uploads = client.startUploads("app", PushListener.NONE)) {
            AssembledImage again =
                    assemble(temp.resolve("cache"), watching(uploads, streamedAgain, soFar -> {}));
            assertThat(again.layersFromCache()).isEqualTo(storePathLayers.size());
            assertThat(client.push(again.image(), target, List.of(), uploads).bytesUploaded())
                    .isZero();
        }
        assertThat(streamedAgain).isEmpty();
    }

    @Test
    void aStreamedUploadCutMidwayIsRetriedFromTheCacheWithoutRetarring() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        RecordingSleeper sleeper =
                new RecordingSleeper(
                        () -> {
                            synchronized (this) {
                                if (!registry.isRunning()) {
                                    registry.restart();
                                }
                            }
                        });
        RegistryClient client = client(sleeper);
        List<Layer> streamed = new CopyOnWriteArrayList<>();
        AtomicLong progress = new AtomicLong();
        PushListener listener =
                new PushListener() {
                    @Override
                    public void bytesSent(long delta) {
                        progress.addAndGet(delta);
                    }
                };
        PushResult result;
        AssembledImage assembled;
        try (LayerUploads uploads = client.startUploads("app", listener)) {
            assembled =
                    assemble(
                            temp.resolve("cache"),
                            watching(
                                    uploads,
                                    streamed,
                                    soFar -> {
                                        if (soFar > 4 * 1024 * 1024
                                                && killed.compareAndSet(false, true)) {
                                            registry.kill();
                                        }
                                    }));
            result =
                    client.push(
                            assembled.image(),
                            RegistryTarget.parse(registry.host() + "/app:v1"),
                            List.of(),
                            uploads);
        }

        OciImage image = assembled.image();
        String big =
                image.layers().stream()
                        .filter(l -> l.storePaths().contains(LIBS))
                        .findFirst()
                        .orElseThrow()
                        .blob()
                        .descriptor()
                        .digest();
        assertThat(killed).isTrue();
        assertThat(sleeper.waits()).isNotEmpty();
        // Each store-path layer was tarred and compressed once: the retry read the cache file.
        assertThat(streamed).hasSize(3);
        assertThat(assembled.layersCompressed()).isEqualTo(image.layers().size());
        assertThat(registry.uploadedDigests()).contains(big);
        assertThat(
                        RegistryPushTest.skopeo(
                                "inspect",
                                "--tls-verify=false",
                                "docker://" + registry.host() + "/app:v1"))
                .contains(image.manifestDigest());
        assertThat(client(new RecordingSleeper()).hasBlob("app", big)).isTrue();
        // Bytes of the cut attempt are taken back: progress and the result count each blob once.
        assertThat(result.bytesUploaded()).isEqualTo(image.totalSize() - image.manifest().length);
        assertThat(progress.get()).isEqualTo(result.bytesUploaded());
    }

    @Test
    void aRegistryThatRefusesABodyOfUnknownLengthGetsTheLayerFromTheCache() throws Exception {
        WireMockServer front = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        front.start();
        try {
            front.stubFor(
                    any(anyUrl())
                            .atPriority(10)
                            .willReturn(aResponse().proxiedFrom(registry.url())));
            // The first session opened is the front's own, and it refuses a PATCH without
            // Content-Length.
            front.stubFor(
                    post(urlPathEqualTo("/v2/app/blobs/uploads/"))
                            .atPriority(1)
                            .inScenario("refusing")
                            .whenScenarioStateIs(STARTED)
                            .willSetStateTo("refused")
                            .willReturn(
                                    aResponse()
                                            .withStatus(202)
                                            .withHeader(
                                                    "Location", "/v2/app/blobs/uploads/refusing")));
            front.stubFor(
                    patch(urlPathEqualTo("/v2/app/blobs/uploads/refusing"))
                            .atPriority(1)
                            .willReturn(
                                    aResponse()
                                            .withStatus(400)
                                            .withBody(
                                                    "{\"errors\":[{\"code\":\"SIZE_INVALID\",\"message\":\"Content-Length required\"}]}")));
            String host = "127.0.0.1:" + front.port();
            RecordingSleeper sleeper = new RecordingSleeper();
            RegistryClient client = client(host, sleeper);
            List<Layer> streamed = new CopyOnWriteArrayList<>();
            AssembledImage assembled;
            PushResult result;
            try (LayerUploads uploads = client.startUploads("app", PushListener.NONE)) {
                assembled =
                        assemble(temp.resolve("cache"), watching(uploads, streamed, soFar -> {}));
                result =
                        client.push(
                                assembled.image(),
                                RegistryTarget.parse(host + "/app:v1"),
                                List.of(),
                                uploads);
            }

            OciImage image = assembled.image();
            // Two layers start at once, so both may get the refusing session before the first POST
            // is answered.
            int refused =
                    front.findAll(
                                    patchRequestedFor(
                                            urlPathEqualTo("/v2/app/blobs/uploads/refusing")))
                            .size();
            assertThat(refused).isBetween(1, 2);
            assertThat(streamed).hasSize(3);
            // Each refused layer waited once as after a failed try, then went up from the cache.
            assertThat(sleeper.waits()).hasSize(refused);
            assertThat(registry.uploadedDigests())
                    .containsAll(
                            image.layers().stream()
                                    .map(l -> l.blob().descriptor().digest())
                                    .toList());
            assertThat(result.bytesUploaded())
                    .isEqualTo(image.totalSize() - image.manifest().length);
            assertThat(
                            RegistryPushTest.skopeo(
                                    "inspect",
                                    "--tls-verify=false",
                                    "docker://" + registry.host() + "/app:v1"))
                    .contains(image.manifestDigest());
        } finally {
            front.stop();
        }
    }
}
