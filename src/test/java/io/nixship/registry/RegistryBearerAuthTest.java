package io.nixship.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.NixshipException;
import io.nixship.image.OciImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Bearer token flow against a registry front and a token service served by WireMock on two
 * different ports, so the token realm is another origin than the registry.
 */
class RegistryBearerAuthTest {
    private static final String USER = "robot";
    private static final String PASSWORD = "robot-password-987";
    private static final String UNAUTHORIZED_BODY =
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}";

    private WireMockServer registry;
    private WireMockServer tokens;
    private MutableClock clock;
    private BlobLocations locations;
    private final OciImage image = TestImages.imageOfSeeds(1, 2);

    @BeforeEach
    void start() {
        registry = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        tokens = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        registry.start();
        tokens.start();
        clock = new MutableClock();
        locations = BlobLocations.inMemory();
        stubRegistryAcceptingTokens("Bearer tok-.*");
    }

    @AfterEach
    void stop() {
        registry.stop();
        tokens.stop();
    }

    private String host() {
        return "127.0.0.1:" + registry.port();
    }

    private String challenge() {
        return "Bearer realm=\"http://127.0.0.1:"
                + tokens.port()
                + "/token\",service=\"test-registry\"";
    }

    private void stubRegistryAcceptingTokens(String authorization) {
        registry.stubFor(
                any(anyUrl())
                        .atPriority(10)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", challenge())
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(UNAUTHORIZED_BODY)));
        registry.stubFor(
                get(urlPathEqualTo("/v2/"))
                        .atPriority(5)
                        .withHeader("Authorization", matching(authorization))
                        .willReturn(aResponse().withStatus(200).withBody("{}")));
        registry.stubFor(
                request("HEAD", urlPathMatching("/v2/.+/blobs/sha256:.*"))
                        .atPriority(5)
                        .withHeader("Authorization", matching(authorization))
                        .willReturn(aResponse().withStatus(404)));
        registry.stubFor(
                post(urlPathMatching("/v2/.+/blobs/uploads/"))
                        .atPriority(5)
                        .withHeader("Authorization", matching(authorization))
                        .willReturn(
                                aResponse()
                                        .withStatus(202)
                                        .withHeader(
                                                "Location",
                                                "/v2/upload-session/abc?_state=opaque")));
        registry.stubFor(
                put(urlPathEqualTo("/v2/upload-session/abc"))
                        .atPriority(5)
                        .withHeader("Authorization", matching(authorization))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader(
                                                "Docker-Content-Digest", "{{request.query.digest}}")
                                        .withTransformers("response-template")));
        registry.stubFor(
                put(urlPathMatching("/v2/.+/manifests/.+"))
                        .atPriority(5)
                        .withHeader("Authorization", matching(authorization))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader(
                                                "Docker-Content-Digest", image.manifestDigest())));
    }

    private void stubToken(String scope, String token) {
        tokens.stubFor(
                get(urlPathEqualTo("/token"))
                        .withQueryParam("scope", equalTo(scope))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"token\":\""
                                                        + token
                                                        + "\",\"expires_in\":60}")));
    }

    private void stubAnyToken(String token) {
        tokens.stubFor(
                get(urlPathEqualTo("/token"))
                        .atPriority(9)
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"token\":\""
                                                        + token
                                                        + "\",\"expires_in\":60}")));
    }

    private RegistryClient client(Optional<RegistryCredentials> credentials) {
        return new RegistryClient(
                host(),
                credentials,
                RegistrySettings.defaults()
                        .withRetry(new RecordingSleeper().policy())
                        .withClock(clock),
                locations);
    }

    @Test
    void tokenIsAskedForTheTargetRepositoryScopeWithTheRegistryCredentials() {
        stubAnyToken("tok-ping");
        stubToken("repository:team/app:pull,push", "tok-app");

        client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                .push(
                        image,
                        RegistryTarget.parse(host() + "/team/app:v1"),
                        List.of(),
                        PushListener.NONE);

        tokens.verify(
                1,
                getRequestedFor(urlPathEqualTo("/token"))
                        .withQueryParam("scope", havingExactly("repository:team/app:pull,push"))
                        .withQueryParam("service", equalTo("test-registry"))
                        .withHeader("Authorization", matching("Basic .*")));
        registry.verify(
                putRequestedFor(urlPathEqualTo("/v2/team/app/manifests/v1"))
                        .withHeader("Authorization", equalTo("Bearer tok-app"))
                        .withHeader("Content-Type", equalTo(OciImage.MANIFEST_MEDIA_TYPE)));
        registry.verify(
                0, anyRequestedFor(anyUrl()).withHeader("Authorization", matching("Basic .*")));
    }

    @Test
    void mountAsksForPullOnTheSourceRepositoryToo() {
        stubAnyToken("tok-any");
        String digest = image.layers().get(0).blob().descriptor().digest();
        locations.remember(host(), "team/base", digest);
        registry.stubFor(
                post(urlPathEqualTo("/v2/team/app/blobs/uploads/"))
                        .atPriority(1)
                        .withQueryParam("mount", equalTo(digest))
                        .withQueryParam("from", equalTo("team/base"))
                        .withHeader("Authorization", matching("Bearer tok-.*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader("Docker-Content-Digest", digest)));

        PushResult result =
                client(Optional.empty())
                        .push(
                                image,
                                RegistryTarget.parse(host() + "/team/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(result.layersMounted()).isEqualTo(1);
        tokens.verify(
                1,
                getRequestedFor(urlPathEqualTo("/token"))
                        .withQueryParam(
                                "scope",
                                havingExactly(
                                        "repository:team/app:pull,push",
                                        "repository:team/base:pull")));
    }

    @Test
    void tokenRejectedMidPushIsRenewedOnceAndThePushCompletes() {
        stubAnyToken("tok-ping");
        tokens.stubFor(
                get(urlPathEqualTo("/token"))
                        .withQueryParam("scope", equalTo("repository:app:pull,push"))
                        .inScenario("expiry")
                        .whenScenarioStateIs(STARTED)
                        .willSetStateTo("renewed")
                        .willReturn(
                                aResponse()
                                        .withBody("{\"token\":\"tok-first\",\"expires_in\":300}")));
        tokens.stubFor(
                get(urlPathEqualTo("/token"))
                        .withQueryParam("scope", equalTo("repository:app:pull,push"))
                        .inScenario("expiry")
                        .whenScenarioStateIs("renewed")
                        .willReturn(
                                aResponse()
                                        .withBody(
                                                "{\"token\":\"tok-second\",\"expires_in\":300}")));
        // The registry stops honouring the first token before the manifest goes up.
        registry.stubFor(
                put(urlPathMatching("/v2/app/manifests/.+"))
                        .atPriority(1)
                        .withHeader("Authorization", equalTo("Bearer tok-first"))
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", challenge())
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}")));

        PushResult result =
                client(Optional.empty())
                        .push(
                                image,
                                RegistryTarget.parse(host() + "/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(result.digest()).isEqualTo(image.manifestDigest());
        tokens.verify(
                2,
                getRequestedFor(urlPathEqualTo("/token"))
                        .withQueryParam("scope", equalTo("repository:app:pull,push")));
        registry.verify(
                putRequestedFor(urlPathEqualTo("/v2/app/manifests/v1"))
                        .withHeader("Authorization", equalTo("Bearer tok-second")));
    }

    @Test
    void tokenPastItsLifetimeIsRenewedBeforeUse() {
        stubAnyToken("tok-any");
        RegistryClient client = client(Optional.empty());
        client.push(image, RegistryTarget.parse(host() + "/app:v1"), List.of(), PushListener.NONE);

        clock.advance(Duration.ofSeconds(61));
        client.push(image, RegistryTarget.parse(host() + "/app:v2"), List.of(), PushListener.NONE);

        tokens.verify(
                2,
                getRequestedFor(urlPathEqualTo("/token"))
                        .withQueryParam("scope", equalTo("repository:app:pull,push")));
    }

    @Test
    void everyDerivedTokenIsHandedToTheMaskerBeforeUse() {
        stubAnyToken("tok-ping");
        stubToken("repository:app:pull,push", "tok-app");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RegistryClient client =
                new RegistryClient(
                        host(),
                        Optional.empty(),
                        RegistrySettings.defaults()
                                .withRetry(new RecordingSleeper().policy())
                                .withClock(clock)
                                .withSecretSeen(seen::add),
                        locations);

        client.push(image, RegistryTarget.parse(host() + "/app:v1"), List.of(), PushListener.NONE);

        assertThat(seen).containsExactlyInAnyOrder("tok-ping", "tok-app");
    }

    @Test
    void tokenRefusedByTheRealmFailsInOneLineWithoutTheSecret() {
        tokens.stubFor(
                get(urlPathEqualTo("/token"))
                        .willReturn(aResponse().withStatus(401).withBody(UNAUTHORIZED_BODY)));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                                        .push(
                                                image,
                                                RegistryTarget.parse(host() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage())
                .contains("401")
                .contains("token endpoint")
                .doesNotContain(PASSWORD)
                .doesNotContain("\n");
        tokens.verify(1, getRequestedFor(urlPathEqualTo("/token")));
    }

    @Test
    void plainHttpTokenRealmOffLoopbackIsRefusedBeforeAnyCredentialIsSent() {
        registry.stubFor(
                any(anyUrl())
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader(
                                                "WWW-Authenticate",
                                                "Bearer realm=\"http://auth.example.invalid/token\",service=\"x\"")
                                        .withBody(UNAUTHORIZED_BODY)));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () -> client(Optional.of(new RegistryCredentials(USER, PASSWORD))).ping());

        assertThat(failure.getMessage())
                .contains("auth.example.invalid")
                .contains("not https")
                .doesNotContain(PASSWORD);
    }

    @Test
    void redirectToAnotherHostCarriesNoAuthorizationHeader() {
        stubAnyToken("tok-any");
        String digest = image.layers().get(0).blob().descriptor().digest();
        registry.stubFor(
                request("HEAD", urlPathEqualTo("/v2/app/blobs/" + digest))
                        .atPriority(1)
                        .withHeader("Authorization", matching("Bearer tok-.*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(307)
                                        .withHeader(
                                                "Location",
                                                "http://127.0.0.1:"
                                                        + tokens.port()
                                                        + "/cdn/"
                                                        + digest)));
        tokens.stubFor(
                request("HEAD", urlPathEqualTo("/cdn/" + digest))
                        .willReturn(aResponse().withStatus(200)));

        PushResult result =
                client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                        .push(
                                image,
                                RegistryTarget.parse(host() + "/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(result.layersSkipped()).isEqualTo(1);
        assertThat(tokens.findAll(anyRequestedFor(urlPathEqualTo("/cdn/" + digest))))
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.containsHeader("Authorization")).isFalse());
    }

    @Test
    void uploadLocationOnAnotherHostGetsNoAuthorizationHeader() {
        stubAnyToken("tok-any");
        registry.stubFor(
                post(urlPathMatching("/v2/app/blobs/uploads/"))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(202)
                                        .withHeader(
                                                "Location",
                                                "http://127.0.0.1:"
                                                        + tokens.port()
                                                        + "/storage/session?x=1")));
        tokens.stubFor(
                put(urlPathEqualTo("/storage/session"))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader(
                                                "Docker-Content-Digest", "{{request.query.digest}}")
                                        .withTransformers("response-template")));

        client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                .push(
                        image,
                        RegistryTarget.parse(host() + "/app:v1"),
                        List.of(),
                        PushListener.NONE);

        List<LoggedRequest> storagePuts =
                tokens.findAll(putRequestedFor(urlPathEqualTo("/storage/session")));
        assertThat(storagePuts).hasSize(3);
        tokens.verify(
                0,
                putRequestedFor(urlPathEqualTo("/storage/session"))
                        .withHeader("Authorization", matching(".*")));
        tokens.verify(
                3,
                putRequestedFor(urlPathEqualTo("/storage/session"))
                        .withHeader("Authorization", absent()));
    }
}
