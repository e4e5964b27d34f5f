package io.nixship.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.NixshipException;
import io.nixship.image.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RegistryImageReaderTest {
    private static final String DOCKER_MANIFEST =
            "application/vnd.docker.distribution.manifest.v2+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    @RegisterExtension
    static WireMockExtension registry =
            WireMockExtension.newInstance()
                    .options(wireMockConfig().dynamicPort())
                    .failOnUnmatchedRequests(true)
                    .build();

    @TempDir Path home;

    private RegistryImageReader reader() {
        return reader(Optional.empty());
    }

    private RegistryImageReader reader(Optional<HostCredentials> credentials) {
        return new RegistryImageReader(
                new RegistryHost(
                        home.resolve(".docker/config.json"),
                        List.of(),
                        Optional.empty(),
                        home.resolve("cache/nixship")),
                RegistrySettings.defaults(),
                credentials);
    }

    private String host() {
        return "127.0.0.1:" + registry.getPort();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void serveManifest(String reference, String mediaType, byte[] body) {
        registry.stubFor(
                get(urlPathEqualTo("/v2/acme/app/manifests/" + reference))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", mediaType)
                                        .withBody(body)));
    }

    private String serveImage(String label) {
        byte[] config =
                bytes("{\"config\": {\"Labels\": {\"io.nixship.freeze\": \"" + label + "\"}}}");
        String configDigest = Digests.sha256(config);
        registry.stubFor(
                get(urlPathEqualTo("/v2/acme/app/blobs/" + configDigest))
                        .willReturn(aResponse().withStatus(200).withBody(config)));
        return "{\"schemaVersion\": 2, \"mediaType\": \""
                + DOCKER_MANIFEST
                + "\", \"config\": {\"digest\": \""
                + configDigest
                + "\", \"size\": "
                + config.length
                + "}, \"layers\": []}";
    }

    /** Serves image v1 only to requests carrying {@code alice:s3cret}, challenging the rest. */
    private void serveImageBehindBasicAuth() {
        String authorization = new RegistryCredentials("alice", "s3cret").basicHeader();
        registry.stubFor(
                any(urlPathMatching("/v2/.*"))
                        .atPriority(10)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader(
                                                "WWW-Authenticate", "Basic realm=\"registry\"")));
        byte[] manifest = bytes(serveImage("x==1\\n"));
        registry.stubFor(
                get(urlPathEqualTo("/v2/acme/app/manifests/v1"))
                        .atPriority(1)
                        .withHeader("Authorization", equalTo(authorization))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", DOCKER_MANIFEST)
                                        .withBody(manifest)));
    }

    @Test
    void explicitCredentialsGoToTheHostTheyWereGivenFor() {
        serveImageBehindBasicAuth();
        Optional<HostCredentials> credentials =
                Optional.of(
                        new HostCredentials(host(), new RegistryCredentials("alice", "s3cret")));

        RegistryImageReader.RemoteImage image = reader(credentials).read(host(), "acme/app", "v1");

        assertThat(image.config().toString()).contains("x==1");
    }

    @Test
    void explicitCredentialsForAnotherRegistryAreNeverSentHere() {
        serveImageBehindBasicAuth();
        Optional<HostCredentials> credentials =
                Optional.of(
                        new HostCredentials(
                                "registry.example:5000",
                                new RegistryCredentials("alice", "s3cret")));

        assertThatThrownBy(() -> reader(credentials).read(host(), "acme/app", "v1"))
                .isInstanceOf(NixshipException.class);
        registry.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", matching(".+")));
        assertThat(registry.getAllServeEvents()).isNotEmpty();
    }

    @Test
    void readsADockerSchema2ManifestAndItsConfigOnly() {
        byte[] manifest = bytes(serveImage("requests==2.31.0\\n"));
        serveManifest("v1", DOCKER_MANIFEST, manifest);

        RegistryImageReader.RemoteImage image = reader().read(host(), "acme/app", "v1");

        assertThat(image.manifestDigest()).isEqualTo(Digests.sha256(manifest));
        assertThat(image.config().path("config").path("Labels").path("io.nixship.freeze").asText())
                .isEqualTo("requests==2.31.0\n");
        registry.verify(
                getRequestedFor(urlPathEqualTo("/v2/acme/app/manifests/v1"))
                        .withHeader("Accept", containing(DOCKER_MANIFEST))
                        .withHeader(
                                "Accept",
                                containing("application/vnd.oci.image.manifest.v1+json")));
    }

    @Test
    void followsAnIndexToItsLinuxAmd64Image() {
        byte[] amd64 = bytes(serveImage("flask==3.0.0\\n"));
        String amd64Digest = Digests.sha256(amd64);
        serveManifest(amd64Digest, DOCKER_MANIFEST, amd64);
        String arm64Digest = "sha256:" + "a".repeat(64);
        byte[] index =
                bytes(
                        "{\"schemaVersion\": 2, \"mediaType\": \""
                                + OCI_INDEX
                                + "\", \"manifests\": ["
                                + "{\"digest\": \""
                                + arm64Digest
                                + "\", \"platform\": {\"os\": \"linux\", \"architecture\": \"arm64\"}},"
                                + "{\"digest\": \""
                                + amd64Digest
                                + "\", \"platform\": {\"os\": \"linux\", \"architecture\": \"amd64\"}}]}");
        serveManifest("multi", OCI_INDEX, index);

        RegistryImageReader.RemoteImage image = reader().read(host(), "acme/app", "multi");

        assertThat(image.manifestDigest()).isEqualTo(amd64Digest);
        assertThat(image.config().toString()).contains("flask==3.0.0");
        registry.verify(
                0, getRequestedFor(urlPathEqualTo("/v2/acme/app/manifests/" + arm64Digest)));
    }

    @Test
    void aManifestWhoseBytesDoNotMatchTheRequestedDigestIsRefused() {
        String claimed = "sha256:" + "b".repeat(64);
        serveManifest(claimed, DOCKER_MANIFEST, bytes(serveImage("x==1\\n")));

        assertThatThrownBy(() -> reader().read(host(), "acme/app", claimed))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("arrived with digest");
    }

    @Test
    void aMissingTagIsAUsageError() {
        registry.stubFor(
                get(urlPathMatching("/v2/acme/app/manifests/.*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withBody(
                                                "{\"errors\": [{\"code\": \"MANIFEST_UNKNOWN\"}]}")));

        assertThatThrownBy(() -> reader().read(host(), "acme/app", "gone"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("has no manifest acme/app:gone")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }
}
