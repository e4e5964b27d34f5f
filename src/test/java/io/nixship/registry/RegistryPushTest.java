package io.nixship.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import io.nixship.image.Descriptor;
import io.nixship.image.OciImage;
import io.nixship.testsupport.RegistryServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryPushTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryServer registry;
    private BlobLocations locations;

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.start();
        locations = BlobLocations.inMemory();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    private RegistryClient client() {
        return new RegistryClient(
                registry.host(), Optional.empty(), RegistrySettings.defaults(), locations);
    }

    private RegistryTarget target(String repositoryAndTag) {
        return RegistryTarget.parse(registry.host() + "/" + repositoryAndTag);
    }

    @Test
    void pushedImageIsWhatSkopeoSeesUnderTheTag() throws Exception {
        OciImage image = TestImages.imageOfSeeds(1, 2, 3);

        PushResult result =
                client().push(image, target("team/app:v1"), List.of(), PushListener.NONE);

        JsonNode inspected =
                JSON.readTree(
                        skopeo(
                                "inspect",
                                "--tls-verify=false",
                                "docker://" + registry.host() + "/team/app:v1"));
        assertThat(inspected.path("Digest").asText()).isEqualTo(image.manifestDigest());
        assertThat(inspected.path("Layers")).hasSize(3);
        JsonNode config =
                JSON.readTree(
                        skopeo(
                                "inspect",
                                "--config",
                                "--raw",
                                "--tls-verify=false",
                                "docker://" + registry.host() + "/team/app:v1"));
        assertThat(config.path("rootfs").path("diff_ids").get(0).asText())
                .isEqualTo(image.layers().get(0).diffId());
        assertThat(result.reference())
                .isEqualTo(registry.host() + "/team/app:v1@" + image.manifestDigest());
        assertThat(result.layersTotal()).isEqualTo(3);
        assertThat(result.layersUploaded()).isEqualTo(3);
        assertThat(result.bytesUploaded()).isEqualTo(image.totalSize() - image.manifest().length);
        assertThat(registry.completedBlobUploads()).isEqualTo(4);
    }

    @Test
    void pushedImageCopiesToAnOciLayoutThatUnpacksToTheSameFiles(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        OciImage image =
                TestImages.image(
                        List.of(
                                TestImages.tarLayer("etc/greeting", "hello from layer one\n"),
                                TestImages.tarLayer("app/main.py", "print('hi')\n")));
        client().push(image, target("app:v1"), List.of(), PushListener.NONE);

        skopeo(
                "copy",
                "--src-tls-verify=false",
                "docker://" + registry.host() + "/app:v1",
                "oci:" + dir.resolve("layout") + ":v1");
        Process unpack =
                new ProcessBuilder(
                                "umoci",
                                "unpack",
                                "--image",
                                dir.resolve("layout") + ":v1",
                                dir.resolve("bundle").toString())
                        .redirectErrorStream(true)
                        .start();
        String unpackOutput =
                new String(unpack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unpack.waitFor()).as(unpackOutput).isZero();

        assertThat(dir.resolve("bundle/rootfs/etc/greeting")).hasContent("hello from layer one");
        assertThat(dir.resolve("bundle/rootfs/app/main.py")).hasContent("print('hi')");
        JsonNode index = JSON.readTree(dir.resolve("layout/index.json").toFile());
        assertThat(index.path("manifests").get(0).path("digest").asText())
                .isEqualTo(image.manifestDigest());
    }

    @Test
    void secondPushOfTheSameImageUploadsNoBlob() {
        OciImage image = TestImages.imageOfSeeds(1, 2, 3);
        client().push(image, target("app:v1"), List.of(), PushListener.NONE);
        int requestsAfterFirst = registry.requests().size();

        PushResult again = client().push(image, target("app:v1"), List.of(), PushListener.NONE);

        List<RegistryServer.LoggedRequest> secondPush =
                registry.requests().subList(requestsAfterFirst, registry.requests().size());
        assertThat(secondPush).noneMatch(r -> r.path().contains("/blobs/uploads/"));
        assertThat(secondPush).filteredOn(r -> r.method().equals("HEAD")).hasSize(4);
        assertThat(again.layersSkipped()).isEqualTo(3);
        assertThat(again.layersUploaded()).isZero();
        assertThat(again.bytesUploaded()).isZero();
    }

    @Test
    void changingOneLayerUploadsOnlyThatLayerAndTheConfig() {
        client().push(
                        TestImages.imageOfSeeds(1, 2, 3),
                        target("app:v1"),
                        List.of(),
                        PushListener.NONE);
        long before = registry.completedBlobUploads();

        PushResult result =
                client().push(
                                TestImages.imageOfSeeds(1, 20, 3),
                                target("app:v2"),
                                List.of(),
                                PushListener.NONE);

        assertThat(registry.completedBlobUploads() - before).isEqualTo(2);
        assertThat(result.layersUploaded()).isEqualTo(1);
        assertThat(result.layersSkipped()).isEqualTo(2);
    }

    @Test
    void pushToASecondRepositoryMountsInsteadOfUploading() {
        OciImage image = TestImages.imageOfSeeds(4, 5);
        client().push(image, target("first:v1"), List.of(), PushListener.NONE);
        long uploads = registry.completedBlobUploads();

        PushResult second = client().push(image, target("second:v1"), List.of(), PushListener.NONE);

        assertThat(registry.completedBlobUploads()).isEqualTo(uploads);
        assertThat(registry.completedMounts()).isEqualTo(3);
        assertThat(second.layersMounted()).isEqualTo(2);
        assertThat(second.layersUploaded()).isZero();
    }

    @Test
    void mountTheRegistryDeclinesFallsBackToUpload() {
        OciImage image = TestImages.imageOfSeeds(6);
        locations.remember(
                registry.host(),
                "never-pushed",
                image.layers().get(0).blob().descriptor().digest());

        PushResult result = client().push(image, target("other:v1"), List.of(), PushListener.NONE);

        assertThat(result.layersUploaded()).isEqualTo(1);
        assertThat(result.layersMounted()).isZero();
        assertThat(client().hasBlob("other", image.layers().get(0).blob().descriptor().digest()))
                .isTrue();
    }

    @Test
    void blobLocationsInTheCacheDirectoryLetALaterProcessMount(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
        OciImage image = TestImages.imageOfSeeds(7);
        new RegistryClient(
                        registry.host(),
                        Optional.empty(),
                        RegistrySettings.defaults(),
                        new FileBlobLocations(cache))
                .push(image, target("first:v1"), List.of(), PushListener.NONE);

        PushResult second =
                new RegistryClient(
                                registry.host(),
                                Optional.empty(),
                                RegistrySettings.defaults(),
                                new FileBlobLocations(cache))
                        .push(image, target("second:v1"), List.of(), PushListener.NONE);

        assertThat(second.layersMounted()).isEqualTo(1);
    }

    @Test
    void clientForTargetKeepsBlobLocationsUnderTheHostsCacheDirectory(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        RegistryHost host =
                new RegistryHost(
                        dir.resolve("home/.docker/config.json"),
                        List.of(),
                        Optional.empty(),
                        dir.resolve("xdg/nixship"));
        RegistryTarget target = target("cached:v1");

        PushResult result =
                RegistryClient.forTarget(
                                target, Optional.empty(), host, RegistrySettings.defaults())
                        .push(TestImages.imageOfSeeds(13), target, List.of(), PushListener.NONE);

        assertThat(dir.resolve("xdg/nixship/registry"))
                .isDirectoryContaining(p -> p.toString().endsWith(".tsv"));
        assertThat(result.summary())
                .startsWith("pushed " + result.reference() + " (1 layers: 1 uploaded, 0 mounted");
    }

    @Test
    void extraTagsPointAtTheSameManifest() throws Exception {
        OciImage image = TestImages.imageOfSeeds(8);

        PushResult result =
                client().push(
                                image,
                                target("app:git-abc1234"),
                                List.of("latest", "stable"),
                                PushListener.NONE);

        assertThat(result.tags()).containsExactly("git-abc1234", "latest", "stable");
        for (String tag : result.tags()) {
            JsonNode inspected =
                    JSON.readTree(
                            skopeo(
                                    "inspect",
                                    "--tls-verify=false",
                                    "docker://" + registry.host() + "/app:" + tag));
            assertThat(inspected.path("Digest").asText()).isEqualTo(image.manifestDigest());
        }
    }

    @Test
    void progressListenerHearsEveryLayerAndEveryByte() {
        OciImage image = TestImages.imageOfSeeds(9, 10, 11);
        AtomicInteger layersDone = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        PushListener listener =
                new PushListener() {
                    @Override
                    public void bytesSent(long delta) {
                        bytes.addAndGet(delta);
                    }

                    @Override
                    public void layerDone(Descriptor layer, BlobOutcome outcome) {
                        layersDone.incrementAndGet();
                    }
                };

        client().push(image, target("app:v1"), List.of(), listener);

        assertThat(layersDone).hasValue(3);
        assertThat(bytes.get()).isEqualTo(image.totalSize() - image.manifest().length);
    }

    @Test
    void layerOfferedWhileTheImageIsStillBeingMadeIsUploadedAtOnceAndTheTagWaitsForTheRest()
            throws Exception {
        OciImage image = TestImages.imageOfSeeds(31, 32, 33);
        Descriptor early = image.layers().get(0).blob().descriptor();
        CountDownLatch earlyDone = new CountDownLatch(1);
        PushListener listener =
                new PushListener() {
                    @Override
                    public void layerDone(Descriptor layer, BlobOutcome outcome) {
                        if (layer.digest().equals(early.digest())) {
                            earlyDone.countDown();
                        }
                    }
                };
        RegistryClient client = client();

        PushResult result;
        try (LayerUploads uploads = client.startUploads("team/app", listener)) {
            uploads.layerReady(image.layers().get(0));
            earlyDone.await();
            assertThat(client.hasBlob("team/app", early.digest())).isTrue();
            assertThat(client.findManifest("team/app", "v1")).isEmpty();
            result = client.push(image, target("team/app:v1"), List.of(), uploads);
        }

        assertThat(result.layersUploaded()).isEqualTo(3);
        assertThat(result.bytesUploaded()).isEqualTo(image.totalSize() - image.manifest().length);
        assertThat(client.findManifest("team/app", "v1")).isPresent();
    }

    @Test
    void uploadsStartedForOneRepositoryCannotFinishAPushToAnother() {
        OciImage image = TestImages.imageOfSeeds(34);
        RegistryClient client = client();

        try (LayerUploads uploads = client.startUploads("team/app", PushListener.NONE)) {
            assertThatThrownBy(
                            () -> client.push(image, target("team/other:v1"), List.of(), uploads))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void uploadsRunConcurrentlyUpToJobs() {
        OciImage image = TestImages.imageOfSeeds(21, 22, 23, 24, 25, 26);
        RegistryClient oneAtATime =
                new RegistryClient(
                        registry.host(),
                        Optional.empty(),
                        RegistrySettings.defaults().withJobs(1),
                        locations);

        PushResult result = oneAtATime.push(image, target("app:v1"), List.of(), PushListener.NONE);

        assertThat(result.layersUploaded()).isEqualTo(6);
    }

    @Test
    void manifestNamingABlobNeverPushedIsRefusedWithTheRegistryCodeAndNoTag() {
        OciImage image =
                TestImages.image(
                        List.of(TestImages.layer(12, 1000)),
                        List.of(
                                new Descriptor(
                                        OciImage.LAYER_MEDIA_TYPE,
                                        TestImages.sha256(new byte[] {1}),
                                        1)));

        assertThatThrownBy(
                        () -> client().push(image, target("app:v1"), List.of(), PushListener.NONE))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("MANIFEST_BLOB_UNKNOWN")
                .hasMessageNotContaining("\n");
        assertThat(registry.requests())
                .noneMatch(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().endsWith("/manifests/v1")
                                        && r.status() == 201);
    }

    @Test
    void unknownRepositoryNameIsRefusedByTheParserBeforeAnyRequest() {
        assertThatThrownBy(() -> RegistryTarget.parse(registry.host() + "/Bad_Name:v1"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("Bad_Name");
    }

    static String skopeo(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "skopeo";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("skopeo " + String.join(" ", args)).isZero();
        return out;
    }
}
