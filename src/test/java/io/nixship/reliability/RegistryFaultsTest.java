package io.nixship.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import io.nixship.image.ImageDestination;
import io.nixship.image.OciImage;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.PushListener;
import io.nixship.registry.RegistryHost;
import io.nixship.registry.RegistrySettings;
import io.nixship.registry.RetryPolicy;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 3: a real registry behind a WireMock front that injects the faults. Transient failures
 * (connection errors, 408, 429, 5xx) are retried with capped exponential backoff and jitter,
 * honouring Retry-After; 400/401/403/404 never are; errors are one line naming the registry's code;
 * the digest the registry reports must be ours; and a failed push never moves a tag.
 */
@Tag("nix")
class RegistryFaultsTest {
    private static final String REPOSITORY = "tiny/app";
    private static final String UPLOADS = "/v2/" + REPOSITORY + "/blobs/uploads/";
    private static final String MANIFESTS = "/v2/" + REPOSITORY + "/manifests/.*";

    @TempDir static Path shared;
    private static OciImage imageA;
    private static OciImage imageB;
    private static ExampleProject project;

    @TempDir Path tmp;
    private RegistryServer registry;
    private WireMockServer front;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void buildTwoImages() {
        project = TinyProject.create(shared.resolve("p"), "echo a > \"$out/which\"\n");
        imageA = build(project.head());
        project.write("build.sh", "# b\n" + TinyProject.PYTHON_ENV + "echo b > \"$out/which\"\n");
        imageB = build(project.commitAll("image b"));
    }

    private static OciImage build(String commit) {
        return new ImageBuildService(
                        new SystemProcessRunner(),
                        HostEnvironment.from(
                                        CliRun.offline(project.dir(), shared.resolve("home"))
                                                .environment())
                                .settings(line -> {}),
                        line -> {})
                .build(ImageBuildService.Request.of(project.dir(), commit, shared.resolve("cache")))
                .image();
    }

    @BeforeEach
    void start() {
        registry = RegistryServer.start();
        front = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        front.start();
        front.stubFor(
                any(anyUrl()).atPriority(9).willReturn(aResponse().proxiedFrom(registry.url())));
    }

    @AfterEach
    void stop() {
        front.stop();
        registry.close();
    }

    private ImagePublisher.Published push(
            OciImage image, String host, int maxAttempts, double jitter) {
        RetryPolicy retry =
                new RetryPolicy(
                        maxAttempts,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(15),
                        Duration.ofMinutes(5),
                        waits::add,
                        () -> jitter);
        RegistrySettings settings = RegistrySettings.defaults().withRetry(retry).withJobs(1);
        return new ImagePublisher(registryHost(), settings, Optional.empty())
                .publish(
                        image,
                        ImageDestination.parse(host + "/" + REPOSITORY + ":v1", tmp),
                        "v1",
                        List.of(),
                        Optional.empty(),
                        PushListener.NONE);
    }

    private String frontHost() {
        return "127.0.0.1:" + front.port();
    }

    private CliRun.Result cliPush() {
        return TinyProject.cli(project, tmp.resolve("home"))
                .run("build", "--jobs", "1", "--to", frontHost() + "/" + REPOSITORY + ":v1");
    }

    /** The digest the registry itself serves for {@code tag} (not through the front). */
    private String digestOfTag(String tag) throws Exception {
        HttpResponse<Void> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        registry.url()
                                                                + "/v2/"
                                                                + REPOSITORY
                                                                + "/manifests/"
                                                                + tag))
                                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                        .header(
                                                "Accept",
                                                "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private static String errorLine(CliRun.Result result) {
        List<String> errors =
                result.err().lines().filter(l -> l.startsWith("nixship: error:")).toList();
        assertThat(errors).hasSize(1);
        assertThat(result.err().substring(result.err().indexOf("nixship: error:")).strip().lines())
                .hasSize(1);
        return errors.get(0);
    }

    @Test
    void serverErrorsAreRetriedWithCappedExponentialBackoffAndJitter() {
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(503)));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> push(imageA, frontHost(), 8, 0.5));

        assertThat(failure.getMessage())
                .contains("503")
                .contains("after 8 attempts")
                .doesNotContain("\n");
        // Steps 0.5, 1, 2, 4, 8, then 16 and 32 capped at 15 s; jitter 0.5 waits three quarters of
        // each.
        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(375),
                        Duration.ofMillis(750),
                        Duration.ofMillis(1500),
                        Duration.ofMillis(3000),
                        Duration.ofMillis(6000),
                        Duration.ofMillis(11250),
                        Duration.ofMillis(11250));
        front.verify(8, putRequestedFor(urlPathMatching(MANIFESTS)));
    }

    @Test
    void jitterSpreadsEachWaitBetweenHalfAndAllOfItsStep() {
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(502)));

        var unused =
                catchThrowableOfType(
                        NixshipException.class, () -> push(imageA, frontHost(), 3, 0.0));
        List<Duration> low = List.copyOf(waits);
        waits.clear();
        unused =
                catchThrowableOfType(
                        NixshipException.class, () -> push(imageA, frontHost(), 3, 0.999));

        assertThat(low).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(waits).containsExactly(Duration.ofMillis(499), Duration.ofMillis(999));
    }

    @Test
    void retryAfterOn429IsHonouredThenThePushSucceeds() throws Exception {
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .inScenario("429")
                        .whenScenarioStateIs(STARTED)
                        .willReturn(
                                aResponse()
                                        .withStatus(429)
                                        .withHeader("Retry-After", "7")
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}"))
                        .willSetStateTo("served"));

        ImagePublisher.Published published = push(imageA, frontHost(), 6, 0.5);

        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        assertThat(digestOfTag("v1"))
                .isEqualTo(imageA.manifestDigest())
                .isEqualTo(published.digest());
    }

    @Test
    void requestTimeout408IsRetried() throws Exception {
        front.stubFor(
                post(urlPathEqualTo(UPLOADS))
                        .atPriority(1)
                        .inScenario("408")
                        .whenScenarioStateIs(STARTED)
                        .willReturn(aResponse().withStatus(408))
                        .willSetStateTo("served"));

        push(imageA, frontHost(), 6, 0.5);

        assertThat(waits).hasSize(1);
        assertThat(digestOfTag("v1")).isEqualTo(imageA.manifestDigest());
    }

    @Test
    void connectionCutMidRequestIsRetriedAndTheCliPushSucceeds() throws Exception {
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .inScenario("cut")
                        .whenScenarioStateIs(STARTED)
                        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
                        .willSetStateTo("served"));

        CliRun.Result result = cliPush();

        assertThat(result.exitCode()).as(result.err()).isZero();
        front.verify(
                2, putRequestedFor(urlPathMatching("/v2/" + REPOSITORY + "/manifests/sha256:.*")));
        assertThat(result.out()).contains(digestOfTag("v1"));
    }

    @Test
    void registryDownThenBackIsRetriedUntilItAnswers() throws Exception {
        registry.kill();
        RetryPolicy retry =
                new RetryPolicy(
                        6,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(15),
                        Duration.ofMinutes(5),
                        wait -> {
                            waits.add(wait);
                            if (!registry.isRunning()) {
                                registry.restart();
                            }
                        },
                        () -> 0.5);

        new ImagePublisher(
                        registryHost(),
                        RegistrySettings.defaults().withRetry(retry).withJobs(1),
                        Optional.empty())
                .publish(
                        imageA,
                        ImageDestination.parse(registry.host() + "/" + REPOSITORY + ":v1", tmp),
                        "v1",
                        List.of(),
                        Optional.empty(),
                        PushListener.NONE);

        assertThat(waits).hasSize(1);
        assertThat(digestOfTag("v1")).isEqualTo(imageA.manifestDigest());
    }

    @Test
    void forbidden403IsNeverRetriedAndNamesDENIED() {
        front.stubFor(
                post(urlPathEqualTo(UPLOADS))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(403)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}")));

        CliRun.Result result = cliPush();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains("403").contains("DENIED");
        assertOneUploadSessionAndNoRetry();
    }

    @Test
    void notFound404IsNeverRetriedAndNamesNAME_UNKNOWN() {
        front.stubFor(
                post(urlPathEqualTo(UPLOADS))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}")));

        CliRun.Result result = cliPush();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains("404").contains("NAME_UNKNOWN");
        assertOneUploadSessionAndNoRetry();
    }

    /**
     * The CLI streams layers while they are compressed, each in its own upload session, so several
     * sessions may be refused at once; a push of the finished image, one blob at a time, shows the
     * refusal ends the push after one session, with no retry wait.
     */
    private void assertOneUploadSessionAndNoRetry() {
        front.resetRequests();
        assertThatThrownBy(() -> push(imageA, frontHost(), 6, 0.5))
                .isInstanceOf(NixshipException.class);
        front.verify(1, postRequestedFor(urlPathEqualTo(UPLOADS)));
        assertThat(waits).isEmpty();
    }

    @Test
    void badRequest400IsNeverRetriedAndNamesMANIFEST_BLOB_UNKNOWN() {
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}")));

        CliRun.Result result = cliPush();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains("400").contains("MANIFEST_BLOB_UNKNOWN");
        front.verify(1, putRequestedFor(urlPathMatching(MANIFESTS)));
    }

    @Test
    void unauthorized401IsNeverRetriedWithTheSameCredentials() {
        front.stubFor(
                any(anyUrl())
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"test\"")
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")));

        CliRun.Result result =
                TinyProject.cli(project, tmp.resolve("home"))
                        .stdin("wrong-password")
                        .run(
                                "build",
                                "--registry-username",
                                "ci",
                                "--registry-password-stdin",
                                "--to",
                                frontHost() + "/" + REPOSITORY + ":v1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains("401").contains("UNAUTHORIZED");
        assertThat(
                        front.getAllServeEvents().stream()
                                .filter(e -> e.getRequest().containsHeader("Authorization"))
                                .count())
                .isEqualTo(1);
    }

    @Test
    void aManifestDigestOtherThanOursFailsThePushAndMovesNoTag() {
        String forged = "sha256:" + "0".repeat(64);
        front.stubFor(
                put(urlPathMatching("/v2/" + REPOSITORY + "/manifests/sha256:.*"))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader("Docker-Content-Digest", forged)));

        CliRun.Result result = cliPush();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result))
                .contains("stored digest " + forged)
                .contains("but we sent sha256:");
        front.verify(0, putRequestedFor(urlPathEqualTo("/v2/" + REPOSITORY + "/manifests/v1")));
    }

    @Test
    void aFailedBlobUploadNeverMovesTheTag() throws Exception {
        push(imageA, registry.host(), 1, 0.5);
        front.stubFor(
                post(urlPathEqualTo(UPLOADS))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(500)));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> push(imageB, frontHost(), 3, 0.5));

        assertThat(failure).isNotNull();
        // Each attempt opens a session; other missing blobs upload concurrently and may try too.
        assertThat(front.findAll(postRequestedFor(urlPathEqualTo(UPLOADS))))
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(imageB.manifestDigest()).isNotEqualTo(imageA.manifestDigest());
        assertThat(digestOfTag("v1")).isEqualTo(imageA.manifestDigest());
    }

    @Test
    void aConnectionCutOnTheManifestNeverMovesTheTag() throws Exception {
        push(imageA, registry.host(), 1, 0.5);
        front.stubFor(
                put(urlPathMatching(MANIFESTS))
                        .atPriority(1)
                        .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> push(imageB, frontHost(), 3, 0.5));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).doesNotContain("\n");
        assertThat(digestOfTag("v1")).isEqualTo(imageA.manifestDigest());
    }

    /** The registry side of the offline environment the CLI tests run with. */
    private RegistryHost registryHost() {
        HostEnvironment host =
                HostEnvironment.from(CliRun.offline(tmp, tmp.resolve("home")).environment());
        return host.registry(host.cacheDirectory(Optional.empty(), tmp));
    }
}
