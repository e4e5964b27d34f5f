package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.source.TemporaryDirectory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageAssemblerTest {
    @TempDir Path temp;

    private final ObjectMapper json = new ObjectMapper();

    private static List<String> layerDigests(OciImage image) {
        return image.layers().stream().map(l -> l.blob().descriptor().digest()).toList();
    }

    @Test
    void buildsOneLayerPerStorePathThenTheAppLayer() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Closure closure = SampleImage.closure(SampleImage.FLASK);

        AssembledImage assembled = sample.assemble(temp.resolve("cache"), closure);

        OciImage image = assembled.image();
        assertThat(image.layers())
                .extracting(Layer::storePaths)
                .containsExactly(
                        List.of(SampleImage.GLIBC),
                        List.of(SampleImage.PYTHON),
                        List.of(SampleImage.FLASK),
                        List.of(SampleImage.ENV),
                        List.of());
        assertThat(assembled.layersCompressed()).isEqualTo(5);
        assertThat(assembled.layersFromCache()).isZero();
        JsonNode manifest = json.readTree(image.manifest());
        assertThat(image.manifestDigest()).isEqualTo(Digests.sha256(image.manifest()));
        assertThat(
                        manifest.get("layers")
                                .get(1)
                                .get("annotations")
                                .get(ImageConfigFactory.STORE_PATHS_ANNOTATION)
                                .asText())
                .isEqualTo(SampleImage.PYTHON);
        JsonNode config;
        try (InputStream in = image.config().content().open()) {
            config = json.readTree(in);
        }
        assertThat(config.get("rootfs").get("diff_ids")).hasSize(5);
        for (int i = 0; i < 5; i++) {
            Layer layer = image.layers().get(i);
            assertThat(config.get("rootfs").get("diff_ids").get(i).asText())
                    .isEqualTo(layer.diffId());
            byte[] compressed;
            try (InputStream in = layer.blob().content().open()) {
                compressed = in.readAllBytes();
            }
            assertThat(Digests.sha256(compressed)).isEqualTo(layer.blob().descriptor().digest());
            assertThat(
                            Digests.sha256(
                                    new GZIPInputStream(new ByteArrayInputStream(compressed))
                                            .readAllBytes()))
                    .isEqualTo(layer.diffId());
        }
        TarEntries appLayer;
        try (InputStream in = new GZIPInputStream(image.layers().get(4).blob().content().open())) {
            appLayer = TarEntries.read(in);
        }
        assertThat(appLayer.contents).containsEntry("opt/app.py", "print('hello')\n");
        assertThat(appLayer.get("bin").getLinkName()).isEqualTo(SampleImage.ENV + "/bin");
    }

    @Test
    void servesUnchangedStorePathLayersFromTheCacheWithoutReadingTheStore() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        OciImage first = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();
        TemporaryDirectory.deleteRecursively(sample.store.location(SampleImage.PYTHON));

        AssembledImage second = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK));

        assertThat(second.layersFromCache()).isEqualTo(4);
        assertThat(second.layersCompressed()).isEqualTo(1);
        assertThat(second.image().manifestDigest()).isEqualTo(first.manifestDigest());
    }

    @Test
    void eachLayerIsAnnouncedReadyWithTheBlobTheImageHoldsWhetherCachedReusedOrCompressed()
            throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Closure closure = SampleImage.closure(SampleImage.FLASK);
        OciImage first = sample.assemble(temp.resolve("first-cache"), closure).image();
        PreviousLayers previous =
                PreviousLayers.fromManifest(first.manifest(), "127.0.0.1:5000/app:main");
        List<Layer> announced = new CopyOnWriteArrayList<>();

        AssembledImage fresh =
                sample.assemble(
                        temp.resolve("fresh-cache"),
                        closure,
                        new LayerCompressor(),
                        PreviousLayers.none(),
                        announced::add);
        AssembledImage cached =
                sample.assemble(
                        temp.resolve("fresh-cache"),
                        closure,
                        new LayerCompressor(),
                        PreviousLayers.none(),
                        announced::add);
        AssembledImage reused =
                sample.assemble(
                        temp.resolve("empty-cache"),
                        closure,
                        new LayerCompressor(),
                        previous,
                        announced::add);

        List<Layer> expected = new ArrayList<>();
        for (AssembledImage image : List.of(fresh, cached, reused)) {
            expected.addAll(image.image().layers());
        }
        assertThat(announced).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(List.of(cached.layersFromCache(), reused.layersReused())).containsExactly(4, 4);
    }

    @Test
    void reusesThePreviousImagesLayersByDigestWithoutReadingTheStoreOnAnEmptyCache()
            throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Closure closure = SampleImage.closure(SampleImage.FLASK);
        OciImage first = sample.assemble(temp.resolve("first-cache"), closure).image();
        for (String path :
                List.of(
                        SampleImage.GLIBC,
                        SampleImage.PYTHON,
                        SampleImage.FLASK,
                        SampleImage.ENV)) {
            TemporaryDirectory.deleteRecursively(sample.store.location(path));
        }
        PreviousLayers previous =
                PreviousLayers.fromManifest(first.manifest(), "127.0.0.1:5000/app:main");

        AssembledImage second =
                sample.assemble(
                        temp.resolve("empty-cache"), closure, new LayerCompressor(), previous);

        assertThat(second.image().manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(second.layersReused()).isEqualTo(4);
        assertThat(second.layersFromCache()).isZero();
        assertThat(second.layersCompressed()).isEqualTo(1);
        assertThat(previous.groups()).hasSize(4);
        Layer reused = second.image().layers().get(1);
        assertThat(reused.diffId()).isEqualTo(first.layers().get(1).diffId());
        assertThatThrownBy(() -> reused.blob().content().open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reused from 127.0.0.1:5000/app:main");
    }

    @Test
    void reusesOnlyPreviousLayersOfTheSameFormat() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Closure closure = SampleImage.closure(SampleImage.FLASK);
        OciImage gzipImage = sample.assemble(temp.resolve("first-cache"), closure).image();
        PreviousLayers previous =
                PreviousLayers.fromManifest(gzipImage.manifest(), "registry/app:main");

        AssembledImage zstd =
                sample.assemble(
                        temp.resolve("empty-cache"),
                        closure,
                        new LayerCompressor(LayerCompression.ZSTD, 3, 2),
                        previous);

        assertThat(zstd.layersReused()).isZero();
        assertThat(zstd.layersCompressed()).isEqualTo(5);
        JsonNode layer = json.readTree(zstd.image().manifest()).get("layers").get(0);
        assertThat(layer.get("mediaType").asText()).isEqualTo(LayerCompression.ZSTD.mediaType());
        assertThat(
                        layer.get("annotations")
                                .get(ImageConfigFactory.LAYER_FORMAT_ANNOTATION)
                                .asText())
                .contains("zstd-3");
        assertThat(layer.get("annotations").get(ImageConfigFactory.DIFF_ID_ANNOTATION).asText())
                .isEqualTo(zstd.image().layers().get(0).diffId());
    }

    @Test
    void compressesOnlyTheLayerOfTheChangedPackage() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        OciImage before = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();

        AssembledImage after = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK_NEW));

        assertThat(after.layersFromCache()).isEqualTo(3);
        assertThat(after.layersCompressed()).isEqualTo(2);
        List<String> oldLayers = layerDigests(before);
        List<String> newLayers = layerDigests(after.image());
        assertThat(newLayers.get(0)).isEqualTo(oldLayers.get(0));
        assertThat(newLayers.get(1)).isEqualTo(oldLayers.get(1));
        assertThat(newLayers.get(2)).isNotEqualTo(oldLayers.get(2));
        assertThat(newLayers.get(3)).isEqualTo(oldLayers.get(3));
        assertThat(newLayers.get(4)).isEqualTo(oldLayers.get(4));
    }

    @Test
    void changingOnlyAnAppFileChangesOnlyTheAppLayer() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        OciImage before = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();
        Files.writeString(sample.app.resolve("app.py"), "print('changed')\n");

        OciImage after = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();

        assertThat(layerDigests(after).subList(0, 4)).isEqualTo(layerDigests(before).subList(0, 4));
        assertThat(layerDigests(after).get(4)).isNotEqualTo(layerDigests(before).get(4));
    }

    @Test
    void sameInputsInDifferentDirectoriesAtDifferentTimesGiveTheSameManifestDigest()
            throws IOException {
        SampleImage first =
                new SampleImage(temp.resolve("one"), Instant.parse("2001-01-01T00:00:00Z"));
        SampleImage second =
                new SampleImage(
                        temp.resolve("two/deeper"), Instant.parse("2025-05-05T05:05:05.555Z"));

        OciImage a =
                first.assemble(temp.resolve("cache-one"), SampleImage.closure(SampleImage.FLASK))
                        .image();
        OciImage b =
                second.assemble(temp.resolve("cache-two"), SampleImage.closure(SampleImage.FLASK))
                        .image();

        assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
        assertThat(b.manifest()).isEqualTo(a.manifest());
    }

    @Test
    void aCachedBlobChangedOnDiskAtTheSameSizeIsBuiltAgainNotReused() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        OciImage first = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();
        try (var blobs = Files.list(cache.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                byte[] bytes = Files.readAllBytes(blob);
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(blob, bytes);
            }
        }

        AssembledImage second = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK));

        assertThat(second.layersFromCache()).isZero();
        assertThat(second.image().manifestDigest()).isEqualTo(first.manifestDigest());
    }

    @Test
    void ignoresADamagedCacheIndexEntryAndCompressesAgain() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        OciImage first = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)).image();
        try (var entries = Files.list(cache.resolve("layers"))) {
            for (Path entry : entries.toList()) {
                Files.writeString(entry, "{not json");
            }
        }

        AssembledImage second = sample.assemble(cache, SampleImage.closure(SampleImage.FLASK));

        assertThat(second.layersFromCache()).isZero();
        assertThat(second.image().manifestDigest()).isEqualTo(first.manifestDigest());
    }

    @Test
    void reportsAMissingStorePathAndLeavesNoPartialBlobs() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        TemporaryDirectory.deleteRecursively(sample.store.location(SampleImage.GLIBC));
        Path cache = temp.resolve("cache");

        assertThatThrownBy(() -> sample.assemble(cache, SampleImage.closure(SampleImage.FLASK)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining(SampleImage.GLIBC + " is missing");

        try (var blobs = Files.list(cache.resolve("blobs/sha256"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".incoming-"));
        }
    }

    /**
     * Records each layer's stream: its bytes, whether it completed or was abandoned, and what was
     * heard in which order.
     */
    private static final class RecordingListener implements LayerListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, byte[]> streamedBytes = new ConcurrentHashMap<>();
        final AtomicInteger abandoned = new AtomicInteger();

        @Override
        public void layerReady(Layer layer) {
            events.add("ready " + layer.blob().descriptor().digest());
        }

        @Override
        public LayerStream layerStarting() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new LayerStream() {
                @Override
                public void write(byte[] b, int offset, int length) {
                    bytes.write(b, offset, length);
                }

                @Override
                public void completed(Layer layer) {
                    events.add("completed " + layer.blob().descriptor().digest());
                    streamedBytes.put(layer.blob().descriptor().digest(), bytes.toByteArray());
                }

                @Override
                public void abandoned() {
                    abandoned.incrementAndGet();
                }
            };
        }
    }

    @Test
    void eachCompressedStorePathLayerStreamsTheBytesItCachesBeforeItIsAnnounced()
            throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        Path cache = temp.resolve("cache");
        RecordingListener listener = new RecordingListener();

        OciImage image =
                sample.assemble(
                                cache,
                                SampleImage.closure(SampleImage.FLASK),
                                new LayerCompressor(),
                                PreviousLayers.none(),
                                listener)
                        .image();

        List<Layer> storePathLayers = image.layers().subList(0, 4);
        assertThat(listener.streamedBytes).hasSize(4);
        for (Layer layer : storePathLayers) {
            String digest = layer.blob().descriptor().digest();
            assertThat(listener.streamedBytes.get(digest))
                    .isEqualTo(Files.readAllBytes(new LayerBlobStore(cache).blobPath(digest)));
            assertThat(listener.events.indexOf("completed " + digest))
                    .isNotNegative()
                    .isLessThan(listener.events.indexOf("ready " + digest));
        }
        // The app layer is announced only: it is tiny and often already in the registry.
        assertThat(listener.events)
                .contains("ready " + image.layers().get(4).blob().descriptor().digest())
                .hasSize(4 + 5);

        RecordingListener again = new RecordingListener();
        sample.assemble(
                cache,
                SampleImage.closure(SampleImage.FLASK),
                new LayerCompressor(),
                PreviousLayers.none(),
                again);
        assertThat(again.streamedBytes).isEmpty();
    }

    @Test
    void aLayerThatCannotBeMadeAbandonsItsStream() throws IOException {
        SampleImage sample = new SampleImage(temp, Instant.now());
        TemporaryDirectory.deleteRecursively(sample.store.location(SampleImage.GLIBC));
        RecordingListener listener = new RecordingListener();

        assertThatThrownBy(
                        () ->
                                sample.assemble(
                                        temp.resolve("cache"),
                                        SampleImage.closure(SampleImage.FLASK),
                                        new LayerCompressor(),
                                        PreviousLayers.none(),
                                        listener))
                .isInstanceOf(NixshipException.class);

        assertThat(listener.abandoned.get()).isPositive();
    }
}
