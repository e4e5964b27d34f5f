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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship comment} on a pull request against a WireMock GitHub and a real registry. */
class CommentPullRequestTest {
  static final String TOKEN = "ghs_COMMENTTEST0123456789abcdef";
  static final String COMMENTS = "/repos/acme/shop/issues/7/comments";
  static final String MARKER = "<!-- nixship:freeze-diff:acme/app -->";
  static final String COMMENT_JSON =
      "{\"id\": 501, \"body\": \"(echo)\", \"html_url\": \"https://github.example/acme/shop/pull/7#issuecomment-501\","
          + " \"user\": {\"login\": \"github-actions[bot]\"}}";

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

  @TempDir static Path temp;
  static RegistryServer registry;
  static ExampleProject project;
  static String baseCommit;
  static String upgradeCommit;
  static String sameAsBaseCommit;

  @BeforeAll
  static void pushTheBaseImageAndCommitAPullRequest() throws IOException {
    registry = RegistryServer.start();
    project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
    String config = Files.readString(project.dir().resolve(".nixship.yaml"))
        .replace("registry.example.com/acme/imgproxy-lite", registry.host() + "/acme/app");
    String deployment = Files.readString(project.dir().resolve("k8s/deployment.yaml"))
        .replace("registry.example.com/acme/imgproxy-lite:git-0000000", registry.host() + "/acme/app:rev1");
    project.write(".nixship.yaml", config).write("k8s/deployment.yaml", deployment);
    baseCommit = project.commitAll("deploy rev1");
    CliRun.Result pushed = cli().run("build", "--to", registry.host() + "/acme/app:rev1");
    assertThat(pushed.exitCode()).as(pushed.err()).isZero();
    project.pin(Revision.REV2);
    upgradeCommit = project.commitAll("nixpkgs rev2");
    project.pin(Revision.REV1);
    sameAsBaseCommit = project.commitAll("back to rev1");
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  static CliRun cli() {
    return CliRun.offline(project.dir(), temp.resolve("home"));
  }

  CliRun actions(String name, String head) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"action\": \"synchronize\", \"number\": 7, \"pull_request\": {\"number\": 7,"
        + " \"head\": {\"sha\": \"" + head + "\", \"repo\": {\"full_name\": \"contributor/shop\"}},"
        + " \"base\": {\"sha\": \"" + baseCommit + "\", \"repo\": {\"full_name\": \"acme/shop\"}}}}");
    Files.createDirectories(dir.resolve("runner-temp"));
    return cli()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_API_URL", github.baseUrl())
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", event.toString())
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_OUTPUT", dir.resolve("output").toString())
        .env("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString())
        .env("RUNNER_TEMP", dir.resolve("runner-temp").toString());
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  static void stubPullRequest() {
    github.stubFor(get(urlPathEqualTo("/repos/acme/shop")).willReturn(json(200,
        "{\"id\": 1001, \"name\": \"shop\", \"full_name\": \"acme/shop\", \"owner\": {\"login\": \"acme\"},"
            + " \"html_url\": \"https://github.example/acme/shop\", \"default_branch\": \"main\"}")));
    github.stubFor(get(urlPathEqualTo("/repos/acme/shop/issues/7")).willReturn(json(200,
        "{\"id\": 7007, \"number\": 7, \"state\": \"open\", \"html_url\": \"https://github.example/acme/shop/pull/7\","
            + " \"pull_request\": {\"html_url\": \"https://github.example/acme/shop/pull/7\"}}")));
  }

  @Test
  void theFirstRunCreatesTheCommentAndALaterPushEditsTheSameOne() throws IOException {
    stubPullRequest();
    github.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("sticky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(json(200, "[]")));
    github.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("sticky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(json(201, COMMENT_JSON)).willSetStateTo("commented"));
    github.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("sticky").whenScenarioStateIs("commented")
        .willReturn(json(200, "[" + COMMENT_JSON.replace("(echo)", MARKER + "\\nold diff") + "]")));
    github.stubFor(patch(urlPathEqualTo("/repos/acme/shop/issues/comments/501")).willReturn(json(200, COMMENT_JSON)));
    int registryRequestsBefore = registry.requests().size();

    CliRun first = actions("first", upgradeCommit);
    CliRun.Result created = first.run("comment");

    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out().strip()).isEqualTo("https://github.example/acme/shop/pull/7#issuecomment-501");
    assertThat(created.err().replace("::add-mask::" + TOKEN, "")).doesNotContain(TOKEN);
    github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS))
        .withRequestBody(matchingJsonPath("$.body", containing(MARKER + "\n### Python packages: 3 upgraded, 1 added, 1 removed")))
        .withRequestBody(matchingJsonPath("$.body", containing("| requests | 2.28.1 | 2.31.0 | ⬆️ upgraded |"))));
    // The base came from the image the base commit's manifests reference: manifest and config only.
    assertThat(registry.requests().subList(registryRequestsBefore, registry.requests().size()))
        .anyMatch(r -> r.method().equals("GET") && r.path().equals("/v2/acme/app/manifests/rev1"))
        .noneMatch(r -> !r.method().equals("GET"));
    Path dir = temp.resolve("first");
    String outputs = Files.readString(dir.resolve("output"));
    assertThat(outputs).contains("changed<<").contains("\ntrue\n")
        .contains("comment-url<<").contains("https://github.example/acme/shop/pull/7#issuecomment-501");
    Path markdownFile = Path.of(output(outputs, "diff-markdown-file"));
    assertThat(markdownFile).startsWith(dir.resolve("runner-temp"));
    assertThat(Files.readString(markdownFile)).startsWith("### Python packages: 3 upgraded, 1 added, 1 removed");
    assertThat(Files.readString(dir.resolve("summary.md")))
        .startsWith("### nixship: Python packages of #7 (acme/app)\n\n### Python packages:")
        .contains("| python-dotenv | — | 0.21.0 | ➕ added |");

    CliRun.Result edited = actions("second", sameAsBaseCommit).run("comment");

    assertThat(edited.exitCode()).as(edited.err()).isZero();
    github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
    github.verify(1, patchRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/comments/501"))
        .withRequestBody(matchingJsonPath("$.body", equalTo(
            MARKER + "\n**No Python package changes** (17 packages, same closure).\n"))));
    assertThat(Files.readString(temp.resolve("second/output"))).contains("\nfalse\n");
  }

  @Test
  void aForkWithAReadOnlyTokenGetsTheDiffInTheJobSummaryAndSucceeds() throws IOException {
    stubPullRequest();
    github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json(200, "[]")));
    github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(json(403,
        "{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}")));

    CliRun.Result result = actions("fork", upgradeCommit).run("comment");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("403 Resource not accessible by integration").contains("job summary");
    assertThat(result.err().replace("::add-mask::" + TOKEN, "")).doesNotContain(TOKEN);
    assertThat(Files.readString(temp.resolve("fork/summary.md")))
        .contains("| requests | 2.28.1 | 2.31.0 | ⬆️ upgraded |")
        .contains("| olefile | 0.46 | — | ➖ removed |");
    assertThat(Files.readString(temp.resolve("fork/output"))).doesNotContain("comment-url");
  }

  @Test
  void withoutADeployedImageTheBaseCommitIsBuilt() throws IOException {
    stubPullRequest();
    github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json(200, "[]")));
    github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(json(201, COMMENT_JSON)));
    String deployment = Files.readString(project.dir().resolve("k8s/deployment.yaml"));
    project.write("k8s/deployment.yaml", deployment.replace("/acme/app:rev1", "/acme/app:never-pushed"));
    String base = project.commitAll("point at an image that is not there");
    project.write("k8s/deployment.yaml", deployment);
    String head = project.commitAll("restore");

    CliRun.Result result = actions("fallback", head).run("comment", "--base", base);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("has no manifest acme/app:never-pushed").contains("building the base commit");
    github.verify(postRequestedFor(urlPathEqualTo(COMMENTS))
        .withRequestBody(matchingJsonPath("$.body", containing("**No Python package changes**"))));
  }

  private static String output(String outputs, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "<<(\\S+)\\n(.*)\\n\\1$").matcher(outputs);
    assertThat(m.find()).as(outputs).isTrue();
    return m.group(2);
  }
}
