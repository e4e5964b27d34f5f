package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.GitOpsHarness.BRANCH;
import static io.nixship.e2e.GitOpsHarness.MANIFEST;
import static io.nixship.e2e.GitOpsHarness.MANIFESTS_TOKEN;
import static io.nixship.e2e.GitOpsHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship release} with the manifests in a GitOps repository named in .nixship.yaml: the
 * branch and pull request go there, the application's repository is only read.
 */
@Tag("nix")
class ReleaseGitOpsTest {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private GitOpsHarness gitops;

    @BeforeEach
    void setUp() throws Exception {
        gitops =
                GitOpsHarness.create(
                        ReleaseHarness.create(dir, home, registry.server()), dir, github);
    }

    @Test
    void opensOnePullRequestThereUpdatesItOnTheNextPushAndLeavesNothingWhenDeployed()
            throws Exception {
        Map<String, ObjectId> appRefs = gitops.app.remoteRefs();
        String gitopsMain = gitops.ref("main").name();
        String firstCommit = gitops.app.project.head();

        CliRun.Result first = gitops.cli().run(gitops.releaseArgs());

        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode firstResult = ReleaseHarness.json(first);
        assertThat(firstResult.path("operation").asText()).isEqualTo("created");
        String firstImage = firstResult.path("image").asText();
        assertThat(gitops.commit(BRANCH).getParent(0).getName()).isEqualTo(gitopsMain);
        assertThat(gitops.file(BRANCH, MANIFEST)).contains(firstImage);
        assertThat(gitops.app.remoteRefs()).as("the application repository").isEqualTo(appRefs);
        github.verify(
                postRequestedFor(urlPathEqualTo(PULLS))
                        .withHeader("Authorization", equalTo("token " + MANIFESTS_TOKEN))
                        .withRequestBody(matchingJsonPath("$.head", equalTo(BRANCH)))
                        .withRequestBody(matchingJsonPath("$.base", equalTo("main"))));
        String body =
                ReleaseHarness.jsonBody(
                                github.findAll(postRequestedFor(urlPathEqualTo(PULLS))).get(0))
                        .path("body")
                        .asText();
        assertThat(body)
                .contains(
                        "https://github.com/acme/imgproxy-lite/commit/" + firstCommit,
                        "| After | `" + firstImage + "` |",
                        "Flask==2.2.2");

        gitops.app.project.write(
                "app.py",
                Files.readString(gitops.app.project.dir().resolve("app.py")) + "\n# v2\n");
        gitops.app.commitAndPush("app: v2");
        CliRun.Result second = gitops.cli().run(gitops.releaseArgs());

        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode secondResult = ReleaseHarness.json(second);
        assertThat(secondResult.path("operation").asText()).isEqualTo("updated");
        String secondImage = secondResult.path("image").asText();
        assertThat(gitops.file(BRANCH, MANIFEST)).contains(secondImage).doesNotContain(firstImage);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/31"))
                        .withRequestBody(matchingJsonPath("$.body", containing(secondImage))));

        gitops.mergeBranchIntoMain();
        CliRun.Result third = gitops.cli().run(gitops.releaseArgs());

        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(ReleaseHarness.json(third).path("operation").asText()).isEqualTo("none");
        assertThat(gitops.ref(BRANCH)).isNull();
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(first.all() + second.all() + third.all()).doesNotContain(MANIFESTS_TOKEN);
    }

    @Test
    void asAGitHubAppTheInstallationTokenIsMintedForTheGitOpsRepository() throws Exception {
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, "acme/deploy");

        CliRun.Result result = app.as(gitops.app.cli(github.baseUrl())).run(appReleaseArgs());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(ReleaseHarness.json(result).path("operation").asText()).isEqualTo("created");
        assertThat(gitops.ref(BRANCH)).isNotNull();
        // Opened with the installation token, as every call after the exchange.
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        app.assertEveryCallAfterTheExchangeUsesTheInstallationToken(1, ReleaseHarness.TOKEN);
        app.assertAutoMergeEnabledOnceFor("PR_deploy31");
        app.assertNoSecretIn(result.all());
    }

    @Test
    void anAppNotInstalledOnTheGitOpsRepositoryIsRefusedBeforeAnythingIsBuilt() throws Exception {
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, ReleaseHarness.REPOSITORY);
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/deploy/installation"))
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("{\"message\":\"Not Found\"}")));

        long pushed = gitops.app.manifestPushes();

        CliRun.Result result = app.as(gitops.app.cli(github.baseUrl())).run(appReleaseArgs());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "GitHub App "
                                + GitHubAppStandIn.APP_ID
                                + " is not installed on acme/deploy: install it there");
        assertThat(gitops.app.manifestPushes()).isEqualTo(pushed);
        assertThat(gitops.ref(BRANCH)).isNull();
        app.assertNoSecretIn(result.all());
    }

    /** The GitOps release with --automerge, for a run as an App (no manifests token). */
    private String[] appReleaseArgs() {
        List<String> args = new ArrayList<>(List.of(gitops.releaseArgs()));
        args.add("--automerge");
        return args.toArray(String[]::new);
    }
}
