package io.nixship.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.requestMadeFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.nixship.NixshipException;
import io.nixship.image.Blob;
import io.nixship.image.Layer;
import io.nixship.image.OciImage;
import io.nixship.testsupport.RegistryServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected for real: the registry process killed, and statuses served by a proxy in front of
 * it.
 */
class RegistryFaultTest {
    private RegistryServer registry;
    private WireMockServer proxy;

    @BeforeEach
    void start() {
        registry = RegistryServer.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop();
        }
        registry.close();
    }

    private RegistryClient client(String host, RecordingSleeper sleeper, int maxAttempts) {
        return new RegistryClient(
                host,
                Optional.empty(),
                RegistrySettings.defaults()
                        .withRetry(sleeper.policy().withMaxAttempts(maxAttempts))
                        .withJobs(1),
                BlobLocations.inMemory());
    }

    /** A big layer whose stream kills the registry once, part-way through the first upload. */
    private Layer layerThatKillsTheRegistryMidUpload(AtomicBoolean killed) {
        Layer layer = TestImages.layer(99, 2 * 1024 * 1024);
        Blob blob = layer.blob();
        Blob killing =
                new Blob(
                        blob.descriptor(),
                        () ->
                                new FilterInputStream(blob.content().open()) {
                                    private long read;

                                    @Override
                                    public int read(byte[] b, int off, int len) throws IOException {
                                        int n = super.read(b, off, len);
                                        read += Math.max(n, 0);
                                        if (read > 256 * 1024
                                                && killed.compareAndSet(false, true)) {
                                            registry.kill();
                                        }
                                        return n;
                                    }
                                });
        return new Layer(killing, layer.diffId(), layer.storePaths());
    }

    @Test
    void registryKilledMidUploadAndRestartedCompletesOnRetry() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        OciImage image =
                TestImages.image(
                        List.of(
                                TestImages.layer(1, 1000),
                                layerThatKillsTheRegistryMidUpload(killed)));
        AtomicBoolean restarted = new AtomicBoolean();
        // The first wait after the kill restarts the registry; a refused connection can come while
        // the killed process is not yet reaped (still "alive"), so kill() waits for it first. The
        // lock holds other uploads' waits until the registry answers again.
        RecordingSleeper sleeper =
                new RecordingSleeper(
                        () -> {
                            synchronized (restarted) {
                                if (killed.get() && !restarted.get()) {
                                    registry.kill();
                                    registry.restart();
                                    restarted.set(true);
                                }
                            }
                        });

        PushResult result =
                client(registry.host(), sleeper, 6)
                        .push(
                                image,
                                RegistryTarget.parse(registry.host() + "/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(killed).isTrue();
        assertThat(restarted).isTrue();
        assertThat(sleeper.waits()).isNotEmpty();
        assertThat(result.digest()).isEqualTo(image.manifestDigest());
        String inspected =
                RegistryPushTest.skopeo(
                        "inspect", "--tls-verify=false", "docker://" + registry.host() + "/app:v1");
        assertThat(inspected).contains(image.manifestDigest());
        RegistryClient check = client(registry.host(), new RecordingSleeper(), 1);
        for (Layer layer : image.layers()) {
            assertThat(check.hasBlob("app", layer.blob().descriptor().digest())).isTrue();
        }
    }

    @Test
    void registryThatStaysDownFailsThePushAndNoTagIsWritten() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        OciImage image = TestImages.image(List.of(layerThatKillsTheRegistryMidUpload(killed)));
        RecordingSleeper sleeper = new RecordingSleeper();

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(registry.host(), sleeper, 3)
                                        .push(
                                                image,
                                                RegistryTarget.parse(registry.host() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage())
                .contains(registry.host())
                .contains("after 3 attempts")
                .doesNotContain("\n");
        assertThat(sleeper.waits()).hasSize(2);
        registry.restart();
        assertThat(status("HEAD", registry.url() + "/v2/app/manifests/v1")).isEqualTo(404);
    }

    /**
     * WireMock in front of the registry. Upload sessions the registry opens point straight at the
     * registry (WireMock's proxy does not pass binary request bodies through byte-exact), so blob
     * bytes bypass the proxy while every other request passes it.
     */
    private void startProxy() {
        proxy = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        proxy.start();
        proxy.stubFor(
                any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(registry.url())));
    }

    private String proxyHost() {
        return "127.0.0.1:" + proxy.port();
    }

    @Test
    void serverErrorOnOneBlobIsRetried() {
        startProxy();
        OciImage image = TestImages.imageOfSeeds(1, 2);
        String digest = image.layers().get(1).blob().descriptor().digest();
        proxy.stubFor(
                request("HEAD", urlPathEqualTo("/v2/app/blobs/" + digest))
                        .inScenario("flaky")
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("recovered")
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(500)));
        proxy.stubFor(
                post(urlPathEqualTo("/v2/app/blobs/uploads/"))
                        .inScenario("flaky")
                        .whenScenarioStateIs("recovered")
                        .willSetStateTo("done")
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"storage hiccup\"}]}")));
        RecordingSleeper sleeper = new RecordingSleeper();

        PushResult result =
                client(proxyHost(), sleeper, 6)
                        .push(
                                image,
                                RegistryTarget.parse(proxyHost() + "/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(result.layersUploaded()).isEqualTo(2);
        assertThat(sleeper.waits()).hasSize(2);
        assertThat(registry.completedBlobUploads()).isEqualTo(3);
        assertThat(registry.requests())
                .filteredOn(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().endsWith("/manifests/v1")
                                        && r.status() == 201)
                .hasSize(1);
    }

    @Test
    void tooManyRequestsWaitsAsLongAsRetryAfterSays() {
        startProxy();
        OciImage image = TestImages.imageOfSeeds(3);
        String digest = image.layers().get(0).blob().descriptor().digest();
        proxy.stubFor(
                request("HEAD", urlPathEqualTo("/v2/app/blobs/" + digest))
                        .inScenario("busy")
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("calm")
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        RecordingSleeper sleeper = new RecordingSleeper();

        client(proxyHost(), sleeper, 6)
                .push(
                        image,
                        RegistryTarget.parse(proxyHost() + "/app:v1"),
                        List.of(),
                        PushListener.NONE);

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
        proxy.verify(
                2,
                requestMadeFor(
                        r ->
                                com.github.tomakehurst.wiremock.matching.MatchResult.of(
                                        r.getMethod().getName().equals("HEAD")
                                                && r.getUrl().endsWith(digest))));
    }

    @Test
    void deniedIsNotRetriedAndNamesTheRegistryCode() {
        startProxy();
        proxy.stubFor(
                put(urlPathMatching("/v2/app/manifests/.+"))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(403)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}")));
        RecordingSleeper sleeper = new RecordingSleeper();

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(proxyHost(), sleeper, 6)
                                        .push(
                                                TestImages.imageOfSeeds(4),
                                                RegistryTarget.parse(proxyHost() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage())
                .contains("403 DENIED")
                .contains("/v2/app/manifests/")
                .doesNotContain("\n");
        assertThat(sleeper.waits()).isEmpty();
        proxy.verify(1, putRequestedFor(urlPathMatching("/v2/app/manifests/.+")));
    }

    @Test
    void nameUnknownIsNotRetried() {
        startProxy();
        proxy.stubFor(
                request("HEAD", urlPathMatching("/v2/app/blobs/.+"))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(404)));
        proxy.stubFor(
                any(urlPathEqualTo("/v2/app/blobs/uploads/"))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}")));
        RecordingSleeper sleeper = new RecordingSleeper();

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(proxyHost(), sleeper, 6)
                                        .push(
                                                TestImages.imageOfSeeds(5),
                                                RegistryTarget.parse(proxyHost() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage()).contains("404 NAME_UNKNOWN");
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void manifestDigestTheRegistryReportsMustBeOursElseNoTagMoves() {
        startProxy();
        OciImage image = TestImages.imageOfSeeds(6);
        proxy.stubFor(
                put(urlPathEqualTo("/v2/app/manifests/" + image.manifestDigest()))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader(
                                                "Docker-Content-Digest",
                                                "sha256:" + "0".repeat(64))));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(proxyHost(), new RecordingSleeper(), 6)
                                        .push(
                                                image,
                                                RegistryTarget.parse(proxyHost() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage())
                .contains("sha256:" + "0".repeat(64))
                .contains(image.manifestDigest());
        proxy.verify(0, putRequestedFor(urlPathEqualTo("/v2/app/manifests/v1")));
    }

    @Test
    void serverErrorsThatNeverStopFailAfterTheLastAttemptAndNoTagMoves() {
        startProxy();
        proxy.stubFor(
                any(urlPathEqualTo("/v2/app/blobs/uploads/"))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(503)));
        RecordingSleeper sleeper = new RecordingSleeper();

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(proxyHost(), sleeper, 4)
                                        .push(
                                                TestImages.imageOfSeeds(7),
                                                RegistryTarget.parse(proxyHost() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage()).contains("503").contains("after 4 attempts");
        assertThat(sleeper.waits()).hasSize(3);
        proxy.verify(0, anyRequestedFor(urlPathMatching("/v2/app/manifests/.+")));
    }

    private static int status(String method, String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
