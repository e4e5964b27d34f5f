package io.nixship.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 6: a hostile {@code .nixship.yaml} committed in a pull request, or hostile manifests
 * given to {@code nixship bump}, are loaded safely: no type tags, bounded aliases, depth and size,
 * no duplicate keys; BOM and CRLF read like plain files. The timeouts only guard against a hang.
 */
@Timeout(60)
@Tag("nix")
class HostileYamlThroughTheCliTest {
    private static final String IMAGE = "ghcr.io/acme/app:2.0@sha256:" + "b".repeat(64);

    @TempDir Path tmp;

    /** Answers a class loader that a deserialisation gadget would point at the test. */
    private WireMockServer gadgetTarget;

    @BeforeEach
    void start() {
        gadgetTarget = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        gadgetTarget.start();
        gadgetTarget.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    }

    @AfterEach
    void stop() {
        gadgetTarget.stop();
    }

    private String gadget() {
        return "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:"
                + gadgetTarget.port()
                + "/gadget.jar\"]]]]";
    }

    private static String billionLaughs() {
        StringBuilder yaml =
                new StringBuilder(
                        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (int level = 1; level < 10; level++) {
            yaml.append("a").append(level).append(": &a").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
            }
            yaml.append("]\n");
        }
        return yaml.toString();
    }

    private CliRun.Result buildWithConfig(String config) {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        project.write(".nixship.yaml", config);
        project.commitAll("hostile config");
        return TinyProject.cli(project, tmp.resolve("home"))
                .run("build", "--to", "oci:" + tmp.resolve("out"));
    }

    private CliRun.Result bumpManifest(byte[] manifest) throws IOException {
        Path dir = tmp.resolve("repo");
        Files.createDirectories(dir.resolve("k8s"));
        Files.write(dir.resolve("k8s/deployment.yaml"), manifest);
        return CliRun.offline(dir, tmp.resolve("home"))
                .run("bump", "--image", IMAGE, "--manifests", "k8s/");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void assertRefusedBeforeAnyBuild(CliRun.Result result, String... reasons) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains(".nixship.yaml").contains(reasons);
        assertThat(result.err().lines().filter(l -> l.startsWith("nixship: error:"))).hasSize(1);
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(gadgetTarget.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void typeTagsInNixshipYamlAreRejectedAndNothingIsInstantiated() {
        assertRefusedBeforeAnyBuild(buildWithConfig("image: " + gadget() + "\n"), "is not allowed");
    }

    @Test
    void billionLaughsInNixshipYamlIsRefused() {
        assertRefusedBeforeAnyBuild(
                buildWithConfig(billionLaughs()), "anchors and aliases are not allowed");
    }

    @Test
    void deeplyNestedNixshipYamlIsRefused() {
        assertRefusedBeforeAnyBuild(
                buildWithConfig("image: " + "[".repeat(5000) + "]".repeat(5000) + "\n"),
                "nested deeper than");
    }

    @Test
    void oversizedNixshipYamlIsRefused() {
        assertRefusedBeforeAnyBuild(
                buildWithConfig(
                        "image: 127.0.0.1/tiny\n"
                                + ("# padding " + "x".repeat(100) + "\n").repeat(20_000)),
                "larger than");
    }

    @Test
    void duplicateKeysInNixshipYamlAreRejectedNamingTheKey() {
        assertRefusedBeforeAnyBuild(
                buildWithConfig("image: 127.0.0.1/tiny\ntag: v1\nimage: 127.0.0.1/other\n"),
                "image");
    }

    @Test
    void nixshipYamlWithBomAndCrlfIsReadLikeAPlainOne() {
        CliRun.Result result =
                buildWithConfig(
                        "\uFEFFimage: 127.0.0.1/tiny\r\ntag: crlf-ok\r\nnix:\r\n  env:\r\n    BUILD: \"1\"\r\n");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip()).endsWith(":crlf-ok");
    }

    @Test
    void typeTagsInAManifestAreRejectedByBumpAndNothingIsInstantiated() throws IOException {
        CliRun.Result result =
                bumpManifest(
                        utf8(
                                "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/acme/app:1.0\n    x: "
                                        + gadget()
                                        + "\n"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("k8s/deployment.yaml");
        assertThat(gadgetTarget.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(Files.readString(tmp.resolve("repo/k8s/deployment.yaml")))
                .contains("ghcr.io/acme/app:1.0\n");
    }

    @Test
    void billionLaughsManifestIsRefusedByBumpNamingTheFile() throws IOException {
        CliRun.Result result = bumpManifest(utf8("kind: Pod\n" + billionLaughs()));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("k8s/deployment.yaml").contains("aliases");
    }

    @Test
    void duplicateKeysInAManifestAreRejectedByBump() throws IOException {
        CliRun.Result result =
                bumpManifest(
                        utf8(
                                "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/acme/app:1.0\n    image: evil.example/app:6.6.6\n"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("k8s/deployment.yaml").containsIgnoringCase("duplicate");
        assertThat(Files.readString(tmp.resolve("repo/k8s/deployment.yaml")))
                .contains("evil.example/app:6.6.6");
    }

    @Test
    void manifestWithBomAndCrlfIsBumpedKeepingEveryOtherByte() throws IOException {
        String before =
                "\uFEFF# keep me\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: ghcr.io/acme/app:1.0  # pinned\r\n";

        CliRun.Result result = bumpManifest(utf8(before));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(tmp.resolve("repo/k8s/deployment.yaml")))
                .isEqualTo(before.replace("ghcr.io/acme/app:1.0", IMAGE));
    }
}
