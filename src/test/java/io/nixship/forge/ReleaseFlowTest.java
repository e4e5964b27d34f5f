package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.forge.GitHubStub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.pipeline.port.BranchNames;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import io.nixship.pipeline.release.PullRequestContent;
import io.nixship.testsupport.GitRemoteFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release path end to end: a local bare repository as the git remote and a WireMock GitHub,
 * composed the way the release command does (publish the branch, then the pull request).
 */
@ExtendWith(IsolatedGitConfig.class)
class ReleaseFlowTest {
    private static final String IMAGE = "ghcr.io/acme/shop-api";
    private static final String PULLS = "/repos/acme/shop/pulls";
    private static final String DEPLOYMENT = "k8s/deployment.yaml";

    @RegisterExtension static WireMockExtension github = GitHubStub.extension();

    @TempDir Path dir;
    private GitRemoteFixture git;
    private ManifestBranchPublisher publisher;
    private PullRequestService pullRequests;

    @BeforeEach
    void setUp() throws Exception {
        git = GitFixture.withManifest(dir);
        publisher =
                new ManifestBranchPublisher(
                        git.repository(),
                        new URIish(git.remoteUrl()),
                        null,
                        Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC));
        pullRequests =
                new PullRequestService(
                        GitHubStub.connect(github, new GitHubStub.RecordingSleeper()), "acme/shop");
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(emptyList()));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, "pr-7.json"))
                        .willSetStateTo("open"));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/shop/issues/7/labels"))
                        .willReturn(json("labels.json")));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .withQueryParam("head", equalTo("acme:nixship/acme/shop-api"))
                        .whenScenarioStateIs("open")
                        .willReturn(json("pr-7-list.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/7"))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .withRequestBody(notContaining("\"state\""))
                        .willReturn(json("pr-7.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/7"))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .withRequestBody(matchingJsonPath("$.state", equalTo("closed")))
                        .willReturn(json("pr-7-closed.json"))
                        .willSetStateTo("closed"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("closed")
                        .willReturn(emptyList()));
    }

    @AfterEach
    void tearDown() {
        git.close();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder emptyList() {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("[]");
    }

    /** What the release command does after bumping the manifests at {@code base}. */
    private PullRequestResult release(ObjectId base, String oldTag, String newTag) {
        String branch = BranchNames.forImage(IMAGE + ":" + newTag);
        PublishResult published =
                publisher.publish(
                        new PublishRequest(
                                branch,
                                base.name(),
                                GitRemoteFixture.edit(
                                        DEPLOYMENT, "image: " + IMAGE + ":" + newTag + " # keep\n"),
                                IMAGE + ":" + oldTag,
                                IMAGE + ":" + newTag,
                                base.name()));
        if (!published.pullRequestShouldShowIt() && !published.pullRequestIsStale()) {
            return PullRequestResult.none();
        }
        PullRequestContent content =
                new PullRequestContent(
                        "acme/shop-api",
                        IMAGE + ":" + oldTag,
                        IMAGE + ":" + newTag,
                        base.name(),
                        "https://github.com/acme/shop/commit/" + base.name(),
                        null,
                        "| requests | 2.31.0 | 2.32.3 |\n",
                        null);
        return pullRequests.synchronize(
                new PullRequestSpec(
                        branch,
                        null,
                        content.title(),
                        content.body(),
                        List.of("nixship"),
                        published.pullRequestShouldShowIt()));
    }

    @Test
    void firstRunOpensAPullRequestAndANewerBuildUpdatesTheSameBranchAndPullRequest()
            throws Exception {
        ObjectId firstBase = git.repository().resolve("refs/heads/main");

        PullRequestResult first = release(firstBase, "1.0", "2.0");

        assertThat(first.operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(first.number()).isEqualTo(7);
        assertThat(git.fileOnRemoteBranch("nixship/acme/shop-api", DEPLOYMENT))
                .isEqualTo("image: ghcr.io/acme/shop-api:2.0 # keep\n");
        github.verify(
                postRequestedFor(urlPathEqualTo(PULLS))
                        .withRequestBody(
                                matchingJsonPath("$.head", equalTo("nixship/acme/shop-api")))
                        .withRequestBody(matchingJsonPath("$.base", equalTo("main")))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo("nixship: update acme/shop-api to shop-api:2.0"))));

        git.write("README.md", "shop v2\n");
        ObjectId secondBase = git.commitAndPush("feature");
        PullRequestResult second = release(secondBase, "1.0", "3.0");

        assertThat(second)
                .isEqualTo(
                        new PullRequestResult(
                                PullRequestResult.Operation.UPDATED,
                                7,
                                "https://github.example/acme/shop/pull/7"));
        assertThat(git.fileOnRemoteBranch("nixship/acme/shop-api", DEPLOYMENT)).contains(":3.0");
        assertThat(git.remoteCommit("nixship/acme/shop-api").getParent(0).getId())
                .isEqualTo(secondBase);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/7"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo("nixship: update acme/shop-api to shop-api:3.0"))));
    }

    @Test
    void aRunWithNothingChangedOpensNoneAndClosesTheStaleOne() throws Exception {
        ObjectId base = git.repository().resolve("refs/heads/main");
        release(base, "1.0", "2.0");
        git.write(DEPLOYMENT, "image: ghcr.io/acme/shop-api:2.0 # keep\n");
        ObjectId merged = git.commitAndPush("manifests now at 2.0");

        PullRequestResult stale = release(merged, "2.0", "2.0");
        PullRequestResult nothing = release(merged, "2.0", "2.0");

        assertThat(stale.operation()).isEqualTo(PullRequestResult.Operation.CLOSED);
        assertThat(stale.number()).isEqualTo(7);
        assertThat(nothing.operation()).isEqualTo(PullRequestResult.Operation.NONE);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }
}
