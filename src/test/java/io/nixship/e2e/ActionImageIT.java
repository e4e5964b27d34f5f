package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.config.NixpkgsLock;
import io.nixship.reliability.Blobs;
import io.nixship.testsupport.ActionNixpkgs;
import io.nixship.testsupport.ActionRunner;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.GitHttpServer;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.RunnerCommands;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The action image (Dockerfile) run the way GitHub's runner runs a container action ({@link
 * ActionRunner}), against a registry with htpasswd auth, WireMock for the GitHub API, git over HTTP
 * with the token for the repository, and a channel server for nixpkgs, all on loopback. The image's
 * own Nix builds every environment, so each scenario is also a check of Debian 13's Nix on the
 * scenario nixpkgs ({@link ActionNixpkgs}). Runs only when {@value #IMAGE_PROPERTY} names an image
 * ({@code .ci/action-image} builds it; {@code .ci/run} passes it).
 */
@EnabledIfSystemProperty(named = ActionImageIT.IMAGE_PROPERTY, matches = ".+")
class ActionImageIT {
    static final String IMAGE_PROPERTY = "nixship.actionImage";
    static final String TOKEN = "ghs_ACTIONIMAGETOKEN0123456789abcdef";
    static final String REGISTRY_USER = "nixship-ci";
    static final String REGISTRY_PASSWORD = "registry-pAssw0rd-0123456789";

    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();
    @RegisterExtension static WireMockExtension channelGithub = UpdateChannelHarness.github();

    @TempDir static Path shared;
    static RegistryServer registry;
    static ChannelServer channels;
    static ActionNixpkgs nixpkgs;

    /** acme/shop: the rev1 image pushed as acme/app:rev1, which its manifests name. */
    static ExampleProject shop;

    static String shopBase;
    static String shopUpgrade;
    static String shopSameAsBase;

    @TempDir Path temp;
    GitHttpServer git;

    @BeforeAll
    static void startTheServicesAndPushTheShopsDeployedImage() throws IOException {
        registry = RegistryServer.startWithBasicAuth(REGISTRY_USER, REGISTRY_PASSWORD);
        channels = ChannelServer.start();
        nixpkgs = ActionNixpkgs.pack();
        // Both releases are served; the channel points at rev1 until update-channel's scenario
        // moves it.
        nixpkgs.publish(channels, Revision.REV2);
        nixpkgs.publish(channels, Revision.REV1);
        shop = project(shared.resolve("shop"), "acme/app");
        shop.write(
                "k8s/deployment.yaml",
                Files.readString(shop.dir().resolve("k8s/deployment.yaml"))
                        .replace("acme/app:git-0000000", "acme/app:rev1"));
        shopBase = shop.commitAll("deploy rev1");
        CliRun.Result pushed =
                hostCli(shop).run("build", "--to", registry.host() + "/acme/app:rev1");
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        shop.write("nixship.lock", nixpkgs.lockYaml(channels, Revision.REV2));
        shopUpgrade = shop.commitAll("nixpkgs rev2");
        shop.write("nixship.lock", nixpkgs.lockYaml(channels, Revision.REV1));
        shopSameAsBase = shop.commitAll("back to rev1");
    }

    @AfterAll
    static void stopTheServices() {
        channels.close();
        registry.close();
    }

    @BeforeEach
    void startGit() throws IOException {
        git = GitHttpServer.start(Files.createDirectories(temp.resolve("git")), TOKEN);
    }

    @AfterEach
    void stopGit() {
        git.close();
    }

    /**
     * The JVM starts from the ahead-of-time cache the image carries. {@code -XX:AOTMode=on} turns a
     * cache the JVM cannot use (the jar's time or size differs from training, other JVM options)
     * from a silent slow start into a start-up error; the command then fails on its missing inputs.
     */
    @Test
    void theJvmStartsFromTheAheadOfTimeCacheTheImageCarries() throws Exception {
        Process process =
                new ProcessBuilder(
                                "podman",
                                "run",
                                "--rm",
                                "-e",
                                "JDK_JAVA_OPTIONS=-XX:AOTMode=on",
                                "-e",
                                "INPUT_COMMAND=diff",
                                System.getProperty(IMAGE_PROPERTY))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isEqualTo(2);
        assertThat(output)
                .contains("Picked up JDK_JAVA_OPTIONS: -XX:AOTMode=on")
                .doesNotContain("AOT cache")
                .contains("nixship: Missing required parameters: 'OLD', 'NEW'");
    }

    @Test
    void releaseOpensAPullRequestThenANewerCommitUpdatesIt() throws Exception {
        ReleaseHarness.stubPullRequestLifecycle(github);
        ExampleProject project = project(temp.resolve("project"), "acme/imgproxy-lite");
        String original = Files.readString(project.dir().resolve(ReleaseHarness.DEPLOYMENT));
        Path remote = publish(project, "acme/imgproxy-lite");

        ActionRunner.Result first =
                runner("acme/imgproxy-lite", github, project.head())
                        .run(checkout(remote, "first"), "push", "{}", inputs(Map.of()));

        assertSucceeded(first);
        String sha7 = project.head().substring(0, 7);
        String image = first.outputs().get("image");
        assertThat(image)
                .startsWith(registry.host() + "/acme/imgproxy-lite:git-" + sha7 + "@sha256:");
        assertThat(first.outputs())
                .containsEntry("tag", "git-" + sha7)
                .containsEntry("digest", image.substring(image.indexOf('@') + 1))
                .containsEntry("changed", "true")
                .containsEntry("pr-number", "12")
                .containsEntry("pr-url", ReleaseHarness.HTML_URL);
        assertThat(first.summary())
                .contains("### nixship: pull request created", ReleaseHarness.HTML_URL);
        assertThat(fileOnBranch(remote, ReleaseHarness.BRANCH, ReleaseHarness.DEPLOYMENT))
                .isEqualTo(
                        original.replace(
                                registry.host() + "/acme/imgproxy-lite:git-0000000", image));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS))
                        .withRequestBody(
                                matchingJsonPath("$.head", equalTo(ReleaseHarness.BRANCH))));

        project.write("app.py", Files.readString(project.dir().resolve("app.py")) + "\n# v2\n");
        project.commitAll("app: v2");
        push(project, remote);
        ActionRunner.Result second =
                runner("acme/imgproxy-lite", github, project.head())
                        .run(checkout(remote, "second"), "push", "{}", inputs(Map.of()));

        assertSucceeded(second);
        String secondImage = second.outputs().get("image");
        assertThat(secondImage)
                .startsWith(
                        registry.host()
                                + "/acme/imgproxy-lite:git-"
                                + project.head().substring(0, 7))
                .isNotEqualTo(image);
        assertThat(second.outputs())
                .containsEntry("pr-number", "12")
                .containsEntry("changed", "true");
        assertThat(second.summary()).contains("### nixship: pull request updated");
        assertThat(fileOnBranch(remote, ReleaseHarness.BRANCH, ReleaseHarness.DEPLOYMENT))
                .contains(secondImage);
        github.verify(1, postRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS)));
        github.verify(
                patchRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS + "/12"))
                        .withRequestBody(matchingJsonPath("$.body", containing(secondImage))));
        assertThat(git.requests())
                .anyMatch(
                        r ->
                                r.method().equals("POST")
                                        && r.path().endsWith("/git-receive-pack")
                                        && r.status() == 200);
    }

    @Test
    void releaseAsAGitHubAppUsesOnlyItsInstallationTokenAndEnablesAutoMergeOnce() throws Exception {
        // The git server takes the installation token only: the branch must be pushed with it.
        git.close();
        git = GitHttpServer.start(temp.resolve("git"), GitHubAppStandIn.INSTALLATION_TOKEN);
        ReleaseHarness.stubPullRequestLifecycle(github);
        GitHubAppStandIn app = GitHubAppStandIn.installedOn(github, ReleaseHarness.REPOSITORY);
        ExampleProject project = project(temp.resolve("project"), ReleaseHarness.REPOSITORY);
        Path remote = publish(project, ReleaseHarness.REPOSITORY);
        Map<String, String> asApp =
                Map.of(
                        "github-app-id",
                        GitHubAppStandIn.APP_ID,
                        "github-app-private-key",
                        app.keys.pkcs1Pem(),
                        "automerge",
                        "true");

        ActionRunner.Result first =
                runner(ReleaseHarness.REPOSITORY, github, project.head())
                        .run(checkout(remote, "first"), "push", "{}", inputs(asApp));
        project.write("app.py", Files.readString(project.dir().resolve("app.py")) + "\n# v2\n");
        project.commitAll("app: v2");
        push(project, remote);
        ActionRunner.Result second =
                runner(ReleaseHarness.REPOSITORY, github, project.head())
                        .run(checkout(remote, "second"), "push", "{}", inputs(asApp));

        assertSucceeded(first);
        assertSucceeded(second);
        assertThat(first.summary()).contains("### nixship: pull request created");
        assertThat(second.summary()).contains("### nixship: pull request updated");
        assertThat(fileOnBranch(remote, ReleaseHarness.BRANCH, ReleaseHarness.DEPLOYMENT))
                .contains(second.outputs().get("image"));
        app.assertEveryCallAfterTheExchangeUsesTheInstallationToken(2, TOKEN);
        github.verify(1, postRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS)));
        app.assertAutoMergeEnabledOnceFor("PR_kwDOimgproxy12");
        for (ActionRunner.Result run : List.of(first, second)) {
            // The runner consumes the mask commands; everything else it shows.
            app.assertNoSecretIn(
                    run.log().replaceAll("(?m)^::add-mask::.*\n", "")
                            + run.outputs()
                            + run.summary());
        }
    }

    @Test
    void commentPostsTheFreezeDiffOnAPullRequestThenEditsTheSameComment() throws Exception {
        CommentHarness.stubPullRequest(github);
        github.stubFor(
                get(urlPathEqualTo(CommentHarness.COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(CommentHarness.COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, CommentHarness.COMMENT_JSON))
                        .willSetStateTo("commented"));
        github.stubFor(
                get(urlPathEqualTo(CommentHarness.COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs("commented")
                        .willReturn(
                                json(
                                        200,
                                        "["
                                                + CommentHarness.COMMENT_JSON.replace(
                                                        "(echo)",
                                                        CommentHarness.MARKER + "\\nold diff")
                                                + "]")));
        github.stubFor(
                patch(urlPathEqualTo(CommentHarness.EDITED_COMMENT))
                        .willReturn(json(200, CommentHarness.COMMENT_JSON)));
        Path remote = publish(shop, "acme/shop");
        Path workspace = checkout(remote, "first", shopUpgrade);

        ActionRunner.Result posted =
                runner("acme/shop", github, shopUpgrade)
                        .run(
                                workspace,
                                "pull_request",
                                pullRequestEvent(shopUpgrade),
                                inputs(Map.of("command", "comment", "registry", registry.host())));

        assertSucceeded(posted);
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(CommentHarness.COMMENTS))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                CommentHarness.MARKER
                                                        + "\n### Python packages: 3 upgraded, 1 added, 1 removed")))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                "| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |"))));
        assertThat(posted.outputs())
                .containsEntry("changed", "true")
                .containsEntry(
                        "comment-url", "https://github.example/acme/shop/pull/7#issuecomment-501");
        assertThat(posted.summary())
                .startsWith("### nixship: Python packages of #7 (acme/app)\n\n### Python packages:")
                .contains("| `python-dotenv` | — | `0.21.0` | ➕ added |");
        // What a later step reads: a path relative to the workspace, a file the runner's user can
        // read.
        Path markdown = Path.of(posted.outputs().get("diff-markdown-file"));
        assertThat(markdown.isAbsolute()).isFalse();
        assertThat(markdown.startsWith(".nixship")).isTrue();
        assertThat(Files.readString(workspace.resolve(markdown)))
                .startsWith("### Python packages: 3 upgraded, 1 added, 1 removed");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(workspace.resolve(markdown))))
                .isEqualTo("rw-r--r--");

        ActionRunner.Result edited =
                runner("acme/shop", github, shopSameAsBase)
                        .run(
                                checkout(remote, "second", shopSameAsBase),
                                "pull_request",
                                pullRequestEvent(shopSameAsBase),
                                inputs(Map.of("command", "comment", "registry", registry.host())));

        assertSucceeded(edited);
        github.verify(1, postRequestedFor(urlPathEqualTo(CommentHarness.COMMENTS)));
        github.verify(
                1,
                patchRequestedFor(urlPathEqualTo(CommentHarness.EDITED_COMMENT))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                CommentHarness.MARKER
                                                        + "\n**No Python package changes**"))));
        assertThat(edited.outputs()).containsEntry("changed", "false");
    }

    @Test
    void commentFromAForkWithAReadOnlyTokenWritesTheJobSummaryAndSucceeds() throws Exception {
        CommentHarness.stubPullRequest(github);
        github.stubFor(get(urlPathEqualTo(CommentHarness.COMMENTS)).willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(CommentHarness.COMMENTS))
                        .willReturn(
                                json(
                                        403,
                                        "{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}")));
        Path remote = publish(shop, "acme/shop");

        ActionRunner.Result result =
                runner("acme/shop", github, shopUpgrade)
                        .run(
                                checkout(remote, "fork", shopUpgrade),
                                "pull_request",
                                pullRequestEvent(shopUpgrade),
                                inputs(Map.of("command", "comment", "registry", registry.host())));

        assertSucceeded(result);
        assertThat(result.err())
                .contains("403 Resource not accessible by integration")
                .contains("job summary");
        assertThat(result.summary())
                .contains("| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |")
                .contains("| `olefile` | `0.46` | — | ➖ removed |");
        assertThat(result.outputs()).doesNotContainKey("comment-url");
    }

    @Test
    void updateChannelMovesTheLockToTheChannelsNewestReleaseInAPullRequest() throws Exception {
        UpdateChannelHarness.stubPullRequests(channelGithub);
        ExampleProject project = project(temp.resolve("project"), "acme/imgproxy-lite");
        CliRun.Result built =
                hostCli(project).run("build", "--to", registry.host() + "/acme/imgproxy-lite");
        assertThat(built.exitCode()).as(built.err()).isZero();
        project.write(
                ReleaseHarness.DEPLOYMENT,
                Files.readString(project.dir().resolve(ReleaseHarness.DEPLOYMENT))
                        .replace(
                                registry.host() + "/acme/imgproxy-lite:git-0000000",
                                built.out().strip()));
        project.commitAll("deploy the rev1 image");
        Path remote = publish(project, "acme/imgproxy-lite");
        String release2 = nixpkgs.publish(channels, Revision.REV2);
        try {
            ActionRunner.Result result =
                    runner("acme/imgproxy-lite", channelGithub, project.head())
                            .run(
                                    checkout(remote, "workspace"),
                                    "schedule",
                                    "{}",
                                    inputs(
                                            Map.of(
                                                    "command",
                                                    "update-channel",
                                                    "channel-url",
                                                    channels.url().toString())));

            assertSucceeded(result);
            assertThat(result.outputs())
                    .containsEntry("changed", "true")
                    .containsEntry("pr-number", "21");
            assertThat(
                            lock(
                                    fileOnBranch(
                                            remote,
                                            UpdateChannelHarness.BRANCH,
                                            NixpkgsLock.FILE_NAME)))
                    .isEqualTo(lock(nixpkgs.lockYaml(channels, Revision.REV2)));
            assertThat(
                            lock(fileOnBranch(
                                            remote,
                                            UpdateChannelHarness.BRANCH,
                                            NixpkgsLock.FILE_NAME))
                                    .release())
                    .contains(release2);
            channelGithub.verify(
                    1,
                    postRequestedFor(urlPathEqualTo(ReleaseHarness.PULLS))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.head", equalTo(UpdateChannelHarness.BRANCH))));
        } finally {
            nixpkgs.publish(channels, Revision.REV1);
        }
    }

    @Test
    void verifyFindsTheWorkingTreesLockDriftingFromTheDeployedImage() throws Exception {
        Path remote = publish(shop, "acme/shop");
        Path workspace = checkout(remote, "workspace", shopBase);
        Files.writeString(
                workspace.resolve("nixship.lock"), nixpkgs.lockYaml(channels, Revision.REV2));

        ActionRunner.Result result =
                runner("acme/shop", github, shopBase)
                        .run(
                                workspace,
                                "push",
                                "{}",
                                inputs(
                                        Map.of(
                                                "command",
                                                "verify",
                                                "image",
                                                "docker://" + registry.host() + "/acme/app:rev1")));

        assertThat(result.exitCode()).as(result.log()).isEqualTo(1);
        assertNoSecret(result);
        assertThat(result.out())
                .as(result.log())
                .startsWith("drift: ")
                .contains("-requests==2.31.0\n+requests==2.28.1");
        assertThat(result.summary())
                .startsWith("### nixship verify: ")
                .contains("| `requests` | `2.31.0` | `2.28.1` | ⬇️ downgraded |");
        assertThat(result.outputs()).containsEntry("changed", "true");
        assertThat(workspace.resolve(result.outputs().get("diff-markdown-file"))).isRegularFile();
    }

    /**
     * A pull request's default.nix reads, while it is evaluated, the environment and descriptor 3
     * of the process that started Nix (the JVM, PID 1): evaluation runs as the unprivileged user
     * nixship, so the read is refused and the build fails, with nothing leaked and nothing pushed.
     */
    @Test
    void evaluationCannotReadTheJvmsEnvironmentSoTheAttackFailsClosed() throws Exception {
        ActionRunner.Result result = attack("acme/attack-eval", "eval-reads-environ.nix", Map.of());

        // PID 1 is the JVM; which of the two reads Nix tries first is its business.
        assertThat(result.exitCode()).as(result.log()).isNotZero();
        assertThat(result.log())
                .containsPattern(
                        "'(file://)?/proc/1/(environ|fd/3)'.*Permission denied|Couldn't read a file:// file");
        assertNoRunnerSecret(result, result.log());
        assertThat(pushedManifests("acme/attack-eval")).isFalse();
    }

    /**
     * A builder outside any sandbox (__noChroot, allowed by NIXSHIP_NIX_SANDBOX=relaxed, the same
     * as a runtime where the sandbox cannot start) runs as a nixbld user: it sees every process of
     * the container and reads the environment, memory and descriptor 3 of none of nixship's. What
     * it found is pushed in the image, and holds no secret.
     */
    @Test
    void aBuilderOutsideTheSandboxFindsNoSecretInAnyProcessOfTheContainer() throws Exception {
        ActionRunner.Result result =
                attack(
                        "acme/attack-builder",
                        "builder-scans-proc.nix",
                        Map.of("NIXSHIP_NIX_SANDBOX", "relaxed"));

        assertThat(result.exitCode()).as(result.log()).isZero();
        StringBuilder report = new StringBuilder();
        for (Path blob : Blobs.filesContaining(registry.storage(), "scan done")) {
            report.append(new String(Blobs.contentOf(blob), StandardCharsets.UTF_8));
        }
        assertThat(report).contains("builder uid ").doesNotContain("builder uid 0\n");
        assertThat(report.toString().lines().filter(line -> line.startsWith("process ")))
                .anyMatch(line -> line.startsWith("process 1 java:"));
        assertThat(report.toString().lines().filter(line -> line.matches("(environ|mem|fd3) .*")))
                .as("what the builder could open")
                .isNotEmpty()
                .noneMatch(
                        line ->
                                line.matches(
                                        "(environ|mem|fd3) [0-9]+ (java|nix-daemon|setpriv|nix-build)"));
        assertNoRunnerSecret(result, result.log() + report);
        for (String secret : RUNNER_SECRETS) {
            assertThat(Blobs.filesContaining(registry.storage(), secret)).as(secret).isEmpty();
        }
    }

    /** With the sandbox on (the image's default), a builder that asks to leave it is refused. */
    @Test
    void withTheSandboxOnABuilderCannotLeaveIt() throws Exception {
        ActionRunner.Result result =
                attack(
                        "acme/attack-sandbox",
                        "builder-scans-proc.nix",
                        Map.of("NIXSHIP_NIX_SANDBOX", "true"));

        assertThat(result.exitCode()).as(result.log()).isEqualTo(1);
        assertThat(result.log())
                .contains("has '__noChroot' set, but that's not allowed when 'sandbox' is 'true'");
        assertNoRunnerSecret(result, result.log());
        assertThat(pushedManifests("acme/attack-sandbox")).isFalse();
    }

    /**
     * A pull request's {@code .nixship.yaml} sets {@code nix.env.PATH} to its own {@code bin/},
     * which holds programs named like Nix's that would leave a mark: the action refuses the field
     * in one line (and an error annotation on the file), exits 2, and none of them runs.
     */
    @Test
    void aConfigThatPointsNixsPathIntoTheCheckoutIsRefusedAndNoProgramOfItRuns() throws Exception {
        String repository = "acme/attack-path";
        ExampleProject project = project(temp.resolve("project"), repository);
        for (String name : List.of("nix", "nix-build", "nix-instantiate", "nix-store")) {
            project.write(
                    "bin/" + name,
                    "#!/bin/sh\ntouch /github/workspace/impostor-ran\n" + "echo impostor ran\n");
            Files.setPosixFilePermissions(
                    project.dir().resolve("bin/" + name),
                    PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        project.write(
                ".nixship.yaml",
                Files.readString(project.dir().resolve(".nixship.yaml"))
                        .replace(
                                "nix:\n",
                                "nix:\n  env:\n    PATH: /github/workspace/bin:/usr/bin:/bin\n"));
        project.commitAll("nix.env PATH into the checkout");
        Path remote = publish(project, repository);
        Path workspace = checkout(remote, "attack");

        ActionRunner.Result result =
                runner(repository, github, project.head())
                        .run(workspace, "push", "{}", inputs(Map.of("command", "build")));

        assertThat(result.exitCode()).as(result.log()).isEqualTo(2);
        assertThat(result.err().lines())
                .as(result.log())
                .anyMatch(
                        line ->
                                line.matches(
                                        "nixship: error: \\.nixship\\.yaml:[0-9]+: nix\\.env\\.PATH:"
                                                + " PATH may not be set: .*"));
        assertThat(RunnerCommands.processed(result.log()))
                .as(result.log())
                .anyMatch(
                        command ->
                                command.name().equals("error")
                                        && ".nixship.yaml".equals(command.properties().get("file"))
                                        && command.data().contains("nix.env.PATH"));
        assertThat(result.log()).doesNotContain("impostor");
        assertThat(workspace.resolve("impostor-ran")).doesNotExist();
        assertNoSecret(result);
        assertThat(pushedManifests(repository)).isFalse();
    }

    /**
     * A pull request's default.nix prints, while it is evaluated and while it is built, lines the
     * runner would run as workflow commands: {@code ::} after ASCII and Unicode spaces, {@code ##[}
     * in the middle of a line, {@code add-mask} and {@code stop-commands} (which would swallow
     * nixship's own later commands). Read by the runner's own rules, the log holds no command from
     * that text, only nixship's masks and fences, and the step's outputs are nixship's.
     */
    @Test
    void nixOutputShapedAsWorkflowCommandsRunsNoneOfThemInTheRunner() throws Exception {
        String repository = "acme/attack-commands";
        String forged =
                String.join(
                        "\n",
                        "::set-output name=x::" + FORGED,
                        "  \u00a0::error::forged " + FORGED,
                        "text ##[error]forged " + FORGED,
                        "\u2003::SET-ENV name=PWNED::" + FORGED,
                        "::add-mask::" + FORGED,
                        "::stop-commands::" + FORGED);
        assertThat(RunnerCommands.processed(forged))
                .as("each line, printed raw, is a command to the runner")
                .extracting(RunnerCommands.Command::name)
                .containsExactly(
                        "set-output", "error", "error", "SET-ENV", "add-mask", "stop-commands");
        ExampleProject project = project(temp.resolve("project"), repository);
        project.write(
                "default.nix",
                "{ pkgs ? import <nixpkgs> { } }:\n"
                        + "builtins.trace \"evaluated\n"
                        + forged
                        + "\" (derivation {\n"
                        + "  name = \"forged-commands\";\n"
                        + "  system = builtins.currentSystem;\n"
                        + "  __noChroot = true;\n"
                        + "  nonce = \""
                        + UUID.randomUUID()
                        + "\";\n"
                        + "  forged = \""
                        + forged
                        + "\n\";\n"
                        + "  passAsFile = [ \"forged\" ];\n"
                        + "  builder = \"/bin/sh\";\n"
                        + "  args = [ \"-c\" ''\n"
                        + "    /usr/bin/cat \"$forgedPath\"\n"
                        + "    /usr/bin/cat \"$forgedPath\" >&2\n"
                        + "    /usr/bin/mkdir -p \"$out/lib/python3.12/site-packages\"\n"
                        + "  '' ];\n"
                        + "})\n");
        project.commitAll("workflow commands in Nix output");
        Path remote = publish(project, repository);

        ActionRunner.Result result =
                runner(repository, github, project.head())
                        .run(
                                checkout(remote, "attack"),
                                "push",
                                "{}",
                                inputs(Map.of("command", "build")));

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(result.log())
                .as("the forged lines reached the log, from evaluation and from the builder")
                .contains("evaluated")
                .contains("text ##[error]forged " + FORGED);
        List<RunnerCommands.Command> commands = RunnerCommands.processed(result.log());
        assertThat(commands).as(result.log()).noneMatch(command -> command.line().contains(FORGED));
        List<String> fences =
                commands.stream()
                        .filter(command -> command.name().equals("stop-commands"))
                        .map(RunnerCommands.Command::data)
                        .toList();
        assertThat(fences).as(result.log()).isNotEmpty();
        assertThat(commands)
                .as(result.log())
                .allMatch(
                        command ->
                                switch (command.name()) {
                                    case "add-mask" ->
                                            List.of(TOKEN, REGISTRY_PASSWORD)
                                                    .contains(command.data());
                                    case "stop-commands", "group", "endgroup" -> true;
                                    default ->
                                            fences.contains(command.name())
                                                    && command.line()
                                                            .equals("::" + command.name() + "::");
                                });
        assertThat(result.outputs()).doesNotContainKey("x");
        assertThat(result.outputs().values()).noneMatch(value -> value.contains(FORGED));
        assertThat(result.outputs().get("image")).startsWith(registry.host() + "/" + repository);
        assertNoSecret(result);
    }

    private static final String FORGED = "FORGED-c2e9";
    private static final String RUNTIME_TOKEN = "actions-RUNTIME-token-0123456789";
    private static final String ID_TOKEN = "actions-ID-request-token-0123456789";
    private static final List<String> RUNNER_SECRETS =
            List.of(TOKEN, REGISTRY_PASSWORD, RUNTIME_TOKEN, ID_TOKEN);

    /**
     * {@code build} of a repository whose default.nix is {@code attack}, with every secret a runner
     * gives a container action and the step's {@code env}.
     */
    private ActionRunner.Result attack(String repository, String attack, Map<String, String> env)
            throws Exception {
        ExampleProject project = project(temp.resolve("project"), repository);
        project.write(
                "default.nix",
                Files.readString(Path.of("src/test/resources/attack", attack))
                        .replace(
                                "__noChroot = true;",
                                "__noChroot = true;\n  nonce = \"" + UUID.randomUUID() + "\";"));
        project.commitAll("attack");
        Path remote = publish(project, repository);
        ActionRunner runner =
                runner(repository, github, project.head())
                        .env("ACTIONS_RUNTIME_TOKEN", RUNTIME_TOKEN)
                        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", ID_TOKEN);
        env.forEach(runner::env);
        return runner.run(
                checkout(remote, "attack"), "push", "{}", inputs(Map.of("command", "build")));
    }

    private static void assertNoRunnerSecret(ActionRunner.Result result, String found) {
        String everything =
                found.replace("::add-mask::" + TOKEN + "\n", "")
                                .replace("::add-mask::" + REGISTRY_PASSWORD + "\n", "")
                        + result.outputs()
                        + result.summary();
        for (String secret : RUNNER_SECRETS) {
            assertThat(everything).as(secret).doesNotContain(secret);
        }
    }

    private static boolean pushedManifests(String repository) {
        return Files.exists(
                registry.storage()
                        .resolve("docker/registry/v2/repositories")
                        .resolve(repository)
                        .resolve("_manifests"));
    }

    /**
     * The example as its own repository, its image in the test registry as {@code repository},
     * pinned to rev1.
     */
    private static ExampleProject project(Path dir, String repository) throws IOException {
        ExampleProject project =
                ExampleProject.create(dir, nixpkgs.lockYaml(channels, Revision.REV1), "example");
        String image = registry.host() + "/" + repository;
        for (String file : new String[] {".nixship.yaml", ReleaseHarness.DEPLOYMENT}) {
            project.write(
                    file,
                    Files.readString(project.dir().resolve(file))
                            .replace("registry.example.com/acme/imgproxy-lite", image));
        }
        project.commitAll("example on the test registry");
        return project;
    }

    /**
     * The CLI on the host (its own Nix), with the registry's credentials as the action gets them.
     */
    private static CliRun hostCli(ExampleProject project) {
        return CliRun.offline(project.dir(), shared.resolve("home"))
                .env("INPUT_REGISTRY-USERNAME", REGISTRY_USER)
                .env("INPUT_REGISTRY-PASSWORD", REGISTRY_PASSWORD);
    }

    /** A bare {@code <owner>/<name>.git} behind the git server, holding the project's main. */
    private Path publish(ExampleProject project, String repository) throws Exception {
        Path remote = temp.resolve("git").resolve(repository + ".git");
        Git.init()
                .setBare(true)
                .setDirectory(remote.toFile())
                .setInitialBranch("main")
                .call()
                .close();
        push(project, remote);
        return remote;
    }

    private static void push(ExampleProject project, Path remote) throws Exception {
        project.git()
                .push()
                .setRemote(remote.toUri().toString())
                .setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
                .call();
    }

    /**
     * What actions/checkout leaves (fetch-depth 0, persist-credentials false): a clone at main's
     * tip.
     */
    private Path checkout(Path remote, String name) throws Exception {
        return checkout(remote, name, null);
    }

    private Path checkout(Path remote, String name, String commit) throws Exception {
        Path workspace = temp.resolve("runner").resolve(name).resolve("workspace");
        try (Git clone =
                Git.cloneRepository()
                        .setURI(remote.toUri().toString())
                        .setDirectory(workspace.toFile())
                        .call()) {
            if (commit != null) {
                clone.checkout().setName(commit).call();
            }
            var config = clone.getRepository().getConfig();
            config.setString(
                    "remote",
                    "origin",
                    "url",
                    git.url() + "/" + temp.resolve("git").relativize(remote));
            config.save();
        }
        return workspace;
    }

    /** The runner for one job: its API and server URLs point at the stand-ins, no binary cache. */
    private ActionRunner runner(String repository, WireMockExtension api, String sha)
            throws IOException {
        return new ActionRunner(
                        System.getProperty(IMAGE_PROPERTY),
                        Files.createDirectories(
                                temp.resolve("runner").resolve("dir-" + System.nanoTime())),
                        repository)
                .env("GITHUB_API_URL", api.baseUrl())
                .env("GITHUB_SERVER_URL", git.url())
                .env("GITHUB_SHA", sha)
                // A step's env: as a workflow without internet access to cache.nixos.org would set
                // it.
                .env("NIX_CONFIG", "substituters =")
                // The scenario nixpkgs build from the host's /bin/sh and coreutils (__noChroot),
                // which the image's default sandbox refuses.
                .env("NIXSHIP_NIX_SANDBOX", "relaxed");
    }

    /**
     * Every input action.yml declares with its default, as the runner passes them, {@code
     * github-token} evaluated to the token, the registry's credentials given, then {@code
     * overrides}.
     */
    private static Map<String, String> inputs(Map<String, String> overrides) throws IOException {
        JsonNode declared =
                new YAMLMapper().readTree(Path.of("action.yml").toFile()).path("inputs");
        Map<String, String> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> input : declared.properties()) {
            inputs.put(input.getKey(), input.getValue().path("default").asText(""));
        }
        inputs.put("github-token", TOKEN);
        inputs.put("registry-username", REGISTRY_USER);
        inputs.put("registry-password", REGISTRY_PASSWORD);
        inputs.putAll(overrides);
        return inputs;
    }

    private static String pullRequestEvent(String head) {
        return "{\"action\": \"synchronize\", \"number\": 7, \"pull_request\": {\"number\": 7,"
                + " \"head\": {\"sha\": \""
                + head
                + "\", \"repo\": {\"full_name\": \"contributor/shop\"}},"
                + " \"base\": {\"sha\": \""
                + shopBase
                + "\", \"repo\": {\"full_name\": \"acme/shop\"}}}}";
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private static void assertSucceeded(ActionRunner.Result result) {
        assertThat(result.exitCode()).as(result.log()).isZero();
        assertNoSecret(result);
    }

    /**
     * Neither secret reaches the log, the outputs or the summary; the runner consumes the mask
     * commands.
     */
    private static void assertNoSecret(ActionRunner.Result result) {
        String log =
                result.log()
                        .replace("::add-mask::" + TOKEN + "\n", "")
                        .replace("::add-mask::" + REGISTRY_PASSWORD + "\n", "");
        Map<String, String> everything = new HashMap<>(result.outputs());
        everything.put("log", log);
        everything.put("summary", result.summary());
        everything.forEach(
                (name, text) ->
                        assertThat(text)
                                .as(name)
                                .doesNotContain(TOKEN)
                                .doesNotContain(REGISTRY_PASSWORD));
    }

    private static NixpkgsLock lock(String text) {
        return NixpkgsLock.parse(text.getBytes(StandardCharsets.UTF_8), NixpkgsLock.FILE_NAME);
    }

    private static String fileOnBranch(Path remote, String branch, String path) throws IOException {
        try (Repository repository = Git.open(remote.toFile()).getRepository();
                RevWalk walk = new RevWalk(repository)) {
            var commit = walk.parseCommit(repository.resolve("refs/heads/" + branch));
            try (TreeWalk entry = TreeWalk.forPath(repository, path, commit.getTree())) {
                return new String(
                        repository.open(entry.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
