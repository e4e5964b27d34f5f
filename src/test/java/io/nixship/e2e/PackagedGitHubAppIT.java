package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nixship release --automerge} from the packaged jar as a GitHub App, its id and private
 * key given as a user gives them (the PEM text or its file in the environment, the launcher handing
 * the key on to the JVM outside its environment): the stand-in sees the token exchange, then only
 * the installation token, and auto-merge is enabled once; with the manifests in a GitOps repository
 * the token is minted there; a broken key or a key without an id stops the run with one line.
 */
class PackagedGitHubAppIT {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void twoReleasesAsAnAppUseOnlyTheInstallationTokenAndEnableAutoMergeOnce() throws Exception {
        ReleaseHarness harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, ReleaseHarness.REPOSITORY);

        CliRun.Result first = release(app.as(harness.cli(github.baseUrl())), harness.remoteUrl());

        PackagedRuns.assertSucceeded(first);
        assertThat(ReleaseHarness.json(first).path("operation").asText()).isEqualTo("created");

        harness.project.write(
                "app.py", Files.readString(harness.project.dir().resolve("app.py")) + "\n# v2\n");
        harness.commitAndPush("app: v2");
        // The key as GitHub's .pem converted with openssl pkcs8, from a file this time.
        Path keyFile = Files.writeString(dir.resolve("app-key.pem"), app.keys.pkcs8Pem());
        CliRun.Result second =
                release(
                        harness.cli(github.baseUrl())
                                .env("NIXSHIP_GITHUB_APP_ID", GitHubAppStandIn.APP_ID)
                                .env("NIXSHIP_GITHUB_APP_PRIVATE_KEY_FILE", keyFile.toString()),
                        harness.remoteUrl());

        PackagedRuns.assertSucceeded(second);
        assertThat(ReleaseHarness.json(second).path("operation").asText()).isEqualTo("updated");
        app.assertEveryCallAfterTheExchangeUsesTheInstallationToken(2, ReleaseHarness.TOKEN);
        github.verify(1, postRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS)));
        app.assertAutoMergeEnabledOnceFor("PR_kwDOimgproxy12");
        app.assertNoSecretIn(first.all() + second.all());
    }

    @Test
    void withTheManifestsInAGitOpsRepositoryTheAppsTokenIsMintedThere() throws Exception {
        GitOpsHarness gitops =
                GitOpsHarness.create(
                        ReleaseHarness.create(dir, home, registry.server()), dir, github);
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, "acme/deploy");

        CliRun.Result result =
                release(
                        app.as(gitops.app.cli(github.baseUrl())),
                        gitops.gitopsDir.toUri().toString());

        PackagedRuns.assertSucceeded(result);
        assertThat(ReleaseHarness.json(result).path("operation").asText()).isEqualTo("created");
        assertThat(gitops.file(GitOpsHarness.BRANCH, GitOpsHarness.MANIFEST))
                .contains(ReleaseHarness.json(result).path("image").asText());
        // Opened with the installation token, as every call after the exchange.
        github.verify(1, postRequestedFor(urlPathEqualTo(GitOpsHarness.PULLS)));
        app.assertEveryCallAfterTheExchangeUsesTheInstallationToken(1, ReleaseHarness.TOKEN);
        app.assertAutoMergeEnabledOnceFor("PR_deploy31");
        app.assertNoSecretIn(result.all());
    }

    @Test
    void aBrokenKeyOrAKeyWithoutAnAppIdStopsTheRunWithOneLineAndExit2() throws Exception {
        ReleaseHarness harness = ReleaseHarness.create(dir, home, registry.server());
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, ReleaseHarness.REPOSITORY);
        String pem = app.keys.pkcs1Pem();
        List<String> lines = pem.lines().toList();
        // A key cut short, as a secret pasted without its last lines is.
        String truncated =
                String.join("\n", lines.subList(0, lines.size() / 2))
                        + "\n"
                        + lines.getLast()
                        + "\n";
        long pushed = harness.manifestPushes();

        CliRun.Result notPem =
                release(
                        harness.cli(github.baseUrl())
                                .env("NIXSHIP_GITHUB_APP_ID", GitHubAppStandIn.APP_ID)
                                .env("NIXSHIP_GITHUB_APP_PRIVATE_KEY", "SHA256:not-the-key-itself"),
                        harness.remoteUrl());
        CliRun.Result cutShort =
                release(
                        harness.cli(github.baseUrl())
                                .env("NIXSHIP_GITHUB_APP_ID", GitHubAppStandIn.APP_ID)
                                .env("NIXSHIP_GITHUB_APP_PRIVATE_KEY", truncated),
                        harness.remoteUrl());
        CliRun.Result noId =
                release(
                        harness.cli(github.baseUrl()).env("NIXSHIP_GITHUB_APP_PRIVATE_KEY", pem),
                        harness.remoteUrl());

        assertOneLineUsageError(
                notPem, "NIXSHIP_GITHUB_APP_PRIVATE_KEY is not a PEM private key: give the .pem");
        assertOneLineUsageError(
                cutShort,
                "NIXSHIP_GITHUB_APP_PRIVATE_KEY is not an RSA private key GitHub could have"
                        + " generated");
        assertOneLineUsageError(
                noId,
                "NIXSHIP_GITHUB_APP_PRIVATE_KEY is set but NIXSHIP_GITHUB_APP_ID is not; set the"
                        + " App's id too");
        app.assertNoSecretIn(notPem.all() + cutShort.all() + noId.all());
        assertThat(github.getAllServeEvents()).as("requests to GitHub").isEmpty();
        assertThat(harness.manifestPushes()).isEqualTo(pushed);
    }

    private static void assertOneLineUsageError(CliRun.Result result, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).as(result.err()).hasSize(1);
        assertThat(result.err()).contains(message);
        PackagedRuns.assertQuietJvm(result);
    }

    private static CliRun.Result release(CliRun cli, String remote) {
        List<String> args = new ArrayList<>(List.of("release", "--remote", remote, "--json"));
        args.add("--automerge");
        return new LauncherRun(cli).run(args.toArray(String[]::new));
    }
}
