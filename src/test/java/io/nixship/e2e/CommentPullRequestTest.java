package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.CommentHarness.COMMENTS;
import static io.nixship.e2e.CommentHarness.COMMENT_JSON;
import static io.nixship.e2e.CommentHarness.MARKER;
import static io.nixship.e2e.CommentHarness.TOKEN;
import static io.nixship.e2e.CommentHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship comment} on a pull request against a WireMock GitHub and a real registry. */
@Tag("nix")
class CommentPullRequestTest {
    @RegisterExtension static WireMockExtension github = CommentHarness.github();

    @TempDir static Path temp;
    static RegistryServer registry;
    static CommentHarness harness;

    @BeforeAll
    static void pushTheBaseImageAndCommitAPullRequest() throws IOException {
        registry = RegistryServer.start();
        harness = CommentHarness.create(temp, registry);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    CliRun actions(String name, String head) throws IOException {
        return harness.actions(name, head, github.baseUrl());
    }

    @Test
    void theFirstRunCreatesTheCommentAndALaterPushEditsTheSameOne() throws IOException {
        CommentHarness.stubPullRequest(github);
        CommentHarness.stubStickyComment(github);
        int registryRequestsBefore = registry.requests().size();

        CliRun first = actions("first", harness.upgradeCommit);
        CliRun.Result created = first.run("comment");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out().strip()).isEqualTo(CommentHarness.COMMENT_URL);
        assertThat(created.err().replace("::add-mask::" + TOKEN, "")).doesNotContain(TOKEN);
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(COMMENTS))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                MARKER
                                                        + "\n### Python packages: 3 upgraded, 1 added, 1 removed")))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                "| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |"))));
        // The base came from the image the base commit's manifests reference: manifest and config
        // only.
        assertThat(registry.requests().subList(registryRequestsBefore, registry.requests().size()))
                .anyMatch(
                        r ->
                                r.method().equals("GET")
                                        && r.path().equals("/v2/acme/app/manifests/rev1"))
                .noneMatch(r -> !r.method().equals("GET"));
        Path dir = temp.resolve("first");
        String outputs = Files.readString(dir.resolve("output"));
        assertThat(outputs)
                .contains("changed<<")
                .contains("\ntrue\n")
                .contains("comment-url<<")
                .contains(CommentHarness.COMMENT_URL);
        Path markdownFile = Path.of(output(outputs, "diff-markdown-file"));
        assertThat(markdownFile).startsWith(dir.resolve("runner-temp"));
        assertThat(Files.readString(markdownFile))
                .startsWith("### Python packages: 3 upgraded, 1 added, 1 removed");
        assertThat(Files.readString(dir.resolve("summary.md")))
                .startsWith("### nixship: Python packages of #7 (acme/app)\n\n### Python packages:")
                .contains("| `python-dotenv` | — | `0.21.0` | ➕ added |");

        CliRun.Result edited = actions("second", harness.sameAsBaseCommit).run("comment");

        assertThat(edited.exitCode()).as(edited.err()).isZero();
        github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        github.verify(
                1,
                patchRequestedFor(urlPathEqualTo(CommentHarness.EDITED_COMMENT))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        equalTo(
                                                MARKER
                                                        + "\n**No Python package changes** (17 packages, same closure).\n"))));
        assertThat(Files.readString(temp.resolve("second/output"))).contains("\nfalse\n");
    }

    @Test
    void aForkWithAReadOnlyTokenGetsTheDiffInTheJobSummaryAndSucceeds() throws IOException {
        CommentHarness.stubPullRequest(github);
        github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS))
                        .willReturn(
                                json(
                                        403,
                                        "{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}")));

        CliRun.Result result = actions("fork", harness.upgradeCommit).run("comment");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err())
                .contains("403 Resource not accessible by integration")
                .contains("job summary");
        assertThat(result.err().replace("::add-mask::" + TOKEN, "")).doesNotContain(TOKEN);
        assertThat(Files.readString(temp.resolve("fork/summary.md")))
                .contains("| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |")
                .contains("| `olefile` | `0.46` | — | ➖ removed |");
        assertThat(Files.readString(temp.resolve("fork/output"))).doesNotContain("comment-url");
    }

    @Test
    void withoutADeployedImageTheBaseCommitIsBuilt() throws IOException {
        CommentHarness.stubPullRequest(github);
        github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json(200, "[]")));
        github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(json(201, COMMENT_JSON)));
        String deployment = Files.readString(harness.project.dir().resolve("k8s/deployment.yaml"));
        harness.project.write(
                "k8s/deployment.yaml",
                deployment.replace("/acme/app:rev1", "/acme/app:never-pushed"));
        String base = harness.project.commitAll("point at an image that is not there");
        harness.project.write("k8s/deployment.yaml", deployment);
        String head = harness.project.commitAll("restore");

        CliRun.Result result = actions("fallback", head).run("comment", "--base", base);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err())
                .contains("has no manifest acme/app:never-pushed")
                .contains("building the base commit");
        github.verify(
                postRequestedFor(urlPathEqualTo(COMMENTS))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body", containing("**No Python package changes**"))));
    }

    private static String output(String outputs, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "<<(\\S+)\\n(.*)\\n\\1$").matcher(outputs);
        assertThat(m.find()).as(outputs).isTrue();
        return m.group(2);
    }
}
