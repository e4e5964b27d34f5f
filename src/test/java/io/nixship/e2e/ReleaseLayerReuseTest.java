package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.nixship.e2e.PushFixtures.blobSizes;
import static io.nixship.e2e.PushFixtures.manifestBytes;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship release} on fresh CI runners (no layer cache): the layers whose store paths did
 * not change are reused by digest from the image under the build's tag (a re-run) or from the image
 * the manifests name, never tarred, compressed or uploaded; a dry run reads nothing from the
 * registry.
 */
@Tag("nix")
class ReleaseLayerReuseTest {
    private static final String REPOSITORY = "acme/imgproxy-lite";

    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, dir.resolve("runner-0"), registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
    }

    @Test
    void aReleaseOnAFreshRunnerReusesTheLayersOfTheImageTheManifestsReference() throws Exception {
        CliRun.Result first = release("runner-1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        String firstDigest = digestOf(ReleaseHarness.json(first).path("image").asText());

        // The bump is merged and the app changes: the manifests now pin the first image by digest.
        harness.project.write(DEPLOYMENT, harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT));
        harness.project.write(
                "app.py", Files.readString(harness.project.dir().resolve("app.py")) + "\n# v2\n");
        harness.commitAndPush("merge nixship's pull request; app v2");
        github.resetScenarios();
        int uploadsBefore = registry.server().uploadedDigests().size();
        CliRun.Result second = release("runner-2");

        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode result = ReleaseHarness.json(second);
        JsonNode layers = result.path("layers");
        assertThat(layers.path("fromCache").asInt()).isZero();
        assertThat(layers.path("compressed").asInt()).as("only the app layer").isEqualTo(1);
        assertThat(layers.path("reused").asInt()).isEqualTo(layers.path("total").asInt() - 1);
        Set<String> newBlobs =
                new HashSet<>(
                        blobSizes(manifest(digestOf(result.path("image").asText()))).keySet());
        newBlobs.removeAll(blobSizes(manifest(firstDigest)).keySet());
        assertThat(newBlobs).as("the app layer and the config").hasSize(2);
        assertThat(new HashSet<>(uploadedSince(uploadsBefore))).isEqualTo(newBlobs);
        assertThat(result.path("bytesUploaded").asLong())
                .isEqualTo(
                        newBlobs.stream()
                                .mapToLong(
                                        blobSizes(manifest(digestOf(result.path("image").asText())))
                                                ::get)
                                .sum());
        assertThat(second.err())
                .contains(layers.path("reused").asInt() + " reused from the registry");
    }

    @Test
    void aReleaseReRunOnTheSameCommitUploadsNothing() {
        CliRun.Result first = release("runner-1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        int uploadsBefore = registry.server().uploadedDigests().size();

        CliRun.Result again = release("runner-2");

        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode result = ReleaseHarness.json(again);
        assertThat(result.path("image").asText())
                .isEqualTo(ReleaseHarness.json(first).path("image").asText());
        JsonNode layers = result.path("layers");
        assertThat(layers.path("fromCache").asInt()).isZero();
        assertThat(layers.path("reused").asInt()).isEqualTo(layers.path("total").asInt() - 1);
        assertThat(layers.path("uploaded").asInt()).isZero();
        assertThat(result.path("bytesUploaded").asLong()).isZero();
        assertThat(uploadedSince(uploadsBefore)).isEmpty();
    }

    @Test
    void aDryRunReusesNothingAndSendsNoRequestToTheRegistryEvenWhenTheManifestsNameAnImageThere()
            throws Exception {
        CliRun.Result first = release("runner-1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        harness.project.write(DEPLOYMENT, harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT));
        harness.commitAndPush("merge nixship's pull request");
        github.resetRequests();
        int requestsBefore = registry.server().requests().size();

        CliRun.Result dryRun =
                harness.cli(github.baseUrl(), harness.project.dir(), dir.resolve("runner-2"))
                        .run(
                                "release",
                                "--dry-run",
                                "--json",
                                "--compression",
                                "zstd",
                                "--jobs",
                                "2");

        assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
        JsonNode layers = ReleaseHarness.json(dryRun).path("layers");
        assertThat(layers.path("reused").asInt()).isZero();
        assertThat(layers.path("compressed").asInt()).isEqualTo(layers.path("total").asInt());
        assertThat(registry.server().requests()).hasSize(requestsBefore);
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aCompressionLevelOutOfRangeFailsBeforeAnythingIsBuiltOrAsked() {
        int requestsBefore = registry.server().requests().size();

        CliRun.Result result =
                release("runner-1", "--compression", "gzip", "--compression-level", "12");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--compression-level: 12 is out of range for gzip");
        assertThat(registry.server().requests()).hasSize(requestsBefore);
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    /** A release on a runner of its own: an empty layer cache unless the same runner ran before. */
    private CliRun.Result release(String runner, String... extra) {
        List<String> args =
                new ArrayList<>(List.of("release", "--remote", harness.remoteUrl(), "--json"));
        args.addAll(List.of(extra));
        return harness.cli(github.baseUrl(), harness.project.dir(), dir.resolve(runner))
                .run(args.toArray(String[]::new));
    }

    private List<String> uploadedSince(int mark) {
        List<String> uploaded = registry.server().uploadedDigests();
        return uploaded.subList(mark, uploaded.size());
    }

    private JsonNode manifest(String digest) {
        return PushFixtures.json(
                new String(
                        manifestBytes(registry.server(), REPOSITORY, digest),
                        StandardCharsets.UTF_8));
    }

    private static String digestOf(String reference) {
        return reference.substring(reference.indexOf('@') + 1);
    }
}
