package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.image.Blob;
import io.nixship.image.Descriptor;
import io.nixship.image.Digests;
import io.nixship.image.Layer;
import io.nixship.image.OciImage;
import io.nixship.image.PreviousLayers;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.RegistrySettings;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.SharedRegistry;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push {@code release} and {@code update-channel} open before their build: a layer handed to it
 * while the build still runs goes to the registry at once, not at publish; a dry run's push sends
 * nothing and reuses nothing.
 */
class RegistryImageSinkTest {
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path home;

    @Test
    void aLayerReadyDuringTheBuildIsUploadedBeforeAnythingIsPublished() throws Exception {
        RegistryServer server = registry.server();
        ImageReference repository = ImageReference.parse(server.host() + "/team/overlap");
        Layer layer = layer("compressed while the others still compress");

        try (ReleaseService.ImagePush push = sink(false).open(repository, Optional.empty())) {
            push.layerReady().layerReady(layer);

            awaitUpload(server, layer.blob().descriptor().digest());
            assertThat(server.requestsSoFar())
                    .noneMatch(
                            request ->
                                    request.method().equals("PUT")
                                            && request.path().contains("/manifests/"));
        }
    }

    @Test
    void aDryRunPushSendsNothingAndReusesNothing() {
        RegistryServer server = registry.server();
        int requestsBefore = server.requests().size();
        ImageReference repository = ImageReference.parse(server.host() + "/team/dry");

        try (ReleaseService.ImagePush push =
                sink(true).open(repository, Optional.of(repository.withTag("v1")))) {
            push.layerReady().layerReady(layer("never sent"));
            assertThat(push.previousImage().layers("v2")).isSameAs(PreviousLayers.none());
        }

        assertThat(server.requests()).hasSize(requestsBefore);
    }

    private RegistryImageSink sink(boolean dryRun) {
        CliContext context =
                new CliContext(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        new ByteArrayInputStream(new byte[0]),
                        Map.of(
                                "HOME",
                                home.toString(),
                                "XDG_CACHE_HOME",
                                home.resolve(".cache").toString()),
                        home,
                        false);
        return new RegistryImageSink(
                new CommandSession(context),
                Optional.empty(),
                RegistrySettings.defaults(),
                Optional.empty(),
                dryRun);
    }

    /** The registry stores any bytes as a blob; their digest is all a push checks. */
    private static Layer layer(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String digest = Digests.sha256(bytes);
        Blob blob =
                new Blob(
                        new Descriptor(OciImage.LAYER_MEDIA_TYPE, digest, bytes.length),
                        () -> new ByteArrayInputStream(bytes));
        return new Layer(
                blob, digest, List.of("/nix/store/00000000000000000000000000000000-overlap"));
    }

    /**
     * Waits until the registry logged the blob's upload as complete; the limit is only against a
     * hang.
     */
    private static void awaitUpload(RegistryServer server, String digest)
            throws InterruptedException {
        long giveUp = System.nanoTime() + 120_000_000_000L;
        while (server.requestsSoFar().stream()
                .noneMatch(
                        request ->
                                request.method().equals("PUT")
                                        && request.status() == 201
                                        && URLDecoder.decode(request.uri(), StandardCharsets.UTF_8)
                                                .contains("digest=" + digest))) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("the registry never received " + digest);
            }
            Thread.sleep(20);
        }
    }
}
