package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The world {@code nixship comment} runs in: the example, whose manifests name a rev1 image pushed
 * to a real registry, with pull-request heads after it (an upgrade to rev2 and one back to rev1),
 * and a WireMock GitHub holding pull request #7 of acme/shop.
 */
final class CommentHarness {
    static final String TOKEN = "ghs_COMMENTTEST0123456789abcdef";
    static final String COMMENTS = "/repos/acme/shop/issues/7/comments";
    static final String EDITED_COMMENT = "/repos/acme/shop/issues/comments/501";
    static final String COMMENT_URL = "https://github.example/acme/shop/pull/7#issuecomment-501";
    static final String MARKER = "<!-- nixship:freeze-diff:acme/app -->";
    static final String BOT = "github-actions[bot]";
    static final String COMMENT_JSON =
            "{\"id\": 501, \"body\": \"(echo)\", \"html_url\": \""
                    + COMMENT_URL
                    + "\","
                    + " \"user\": {\"login\": \"github-actions[bot]\"}}";

    final Path temp;
    final RegistryServer registry;
    final ExampleProject project;
    final String baseCommit;
    final String upgradeCommit;
    final String sameAsBaseCommit;

    private CommentHarness(
            Path temp,
            RegistryServer registry,
            ExampleProject project,
            String baseCommit,
            String upgradeCommit,
            String sameAsBaseCommit) {
        this.temp = temp;
        this.registry = registry;
        this.project = project;
        this.baseCommit = baseCommit;
        this.upgradeCommit = upgradeCommit;
        this.sameAsBaseCommit = sameAsBaseCommit;
    }

    /**
     * Pushes the base image to {@code registry} and commits the pull request's heads, under {@code
     * temp}.
     */
    static CommentHarness create(Path temp, RegistryServer registry) throws IOException {
        ExampleProject project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        String config =
                Files.readString(project.dir().resolve(".nixship.yaml"))
                        .replace(
                                "registry.example.com/acme/imgproxy-lite",
                                registry.host() + "/acme/app");
        String deployment =
                Files.readString(project.dir().resolve("k8s/deployment.yaml"))
                        .replace(
                                "registry.example.com/acme/imgproxy-lite:git-0000000",
                                registry.host() + "/acme/app:rev1");
        project.write(".nixship.yaml", config).write("k8s/deployment.yaml", deployment);
        String baseCommit = project.commitAll("deploy rev1");
        CliRun.Result pushed =
                CliRun.offline(project.dir(), temp.resolve("home"))
                        .run("build", "--to", registry.host() + "/acme/app:rev1");
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        project.pin(Revision.REV2);
        String upgradeCommit = project.commitAll("nixpkgs rev2");
        project.pin(Revision.REV1);
        String sameAsBaseCommit = project.commitAll("back to rev1");
        return new CommentHarness(
                temp, registry, project, baseCommit, upgradeCommit, sameAsBaseCommit);
    }

    static WireMockExtension github() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort())
                .failOnUnmatchedRequests(true)
                .build();
    }

    CliRun cli() {
        return CliRun.offline(project.dir(), temp.resolve("home"));
    }

    /**
     * The CLI as a {@code pull_request} workflow runs it for #7 at {@code head}, with its outputs,
     * summary and runner temp under {@code temp/name}.
     */
    CliRun actions(String name, String head, String apiUrl) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Path event = dir.resolve("event.json");
        Files.writeString(
                event,
                "{\"action\": \"synchronize\", \"number\": 7, \"pull_request\": {\"number\": 7,"
                        + " \"head\": {\"sha\": \""
                        + head
                        + "\", \"repo\": {\"full_name\": \"contributor/shop\"}},"
                        + " \"base\": {\"sha\": \""
                        + baseCommit
                        + "\", \"repo\": {\"full_name\": \"acme/shop\"}}}}");
        Files.createDirectories(dir.resolve("runner-temp"));
        return cli().env("GITHUB_ACTIONS", "true")
                .env("GITHUB_API_URL", apiUrl)
                .env("GITHUB_REPOSITORY", "acme/shop")
                .env("GITHUB_EVENT_NAME", "pull_request")
                .env("GITHUB_EVENT_PATH", event.toString())
                .env("GITHUB_TOKEN", TOKEN)
                .env("GITHUB_OUTPUT", dir.resolve("output").toString())
                .env("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString())
                .env("RUNNER_TEMP", dir.resolve("runner-temp").toString());
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    /**
     * The workflow token's identity as GitHub gives it: {@code GET /user} refused to an
     * installation token, GraphQL's viewer naming the bot.
     */
    static void stubIdentity(WireMockExtension github) {
        github.stubFor(
                get(urlPathEqualTo("/user"))
                        .willReturn(
                                json(
                                        403,
                                        "{\"message\": \"Resource not accessible by integration\"}")));
        github.stubFor(
                post(urlPathEqualTo("/graphql"))
                        .willReturn(
                                json(
                                        200,
                                        "{\"data\": {\"viewer\": {\"login\": \"" + BOT + "\"}}}")));
    }

    static void stubPullRequest(WireMockExtension github) {
        stubIdentity(github);
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .willReturn(
                                json(
                                        200,
                                        "{\"id\": 1001, \"name\": \"shop\", \"full_name\": \"acme/shop\", \"owner\": {\"login\": \"acme\"},"
                                                + " \"html_url\": \"https://github.example/acme/shop\", \"default_branch\": \"main\"}")));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop/issues/7"))
                        .willReturn(
                                json(
                                        200,
                                        "{\"id\": 7007, \"number\": 7, \"state\": \"open\", \"html_url\": \"https://github.example/acme/shop/pull/7\","
                                                + " \"pull_request\": {\"html_url\": \"https://github.example/acme/shop/pull/7\"}}")));
    }

    /**
     * No comment until one is posted; from then on the list holds it (#501), and it can be edited.
     */
    static void stubStickyComment(WireMockExtension github) {
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, COMMENT_JSON))
                        .willSetStateTo("commented"));
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs("commented")
                        .willReturn(
                                json(
                                        200,
                                        "["
                                                + COMMENT_JSON.replace(
                                                        "(echo)", MARKER + "\\nold diff")
                                                + "]")));
        github.stubFor(patch(urlPathEqualTo(EDITED_COMMENT)).willReturn(json(200, COMMENT_JSON)));
    }
}
