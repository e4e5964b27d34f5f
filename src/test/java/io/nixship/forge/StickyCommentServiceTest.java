package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.forge.GitHubStub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.NixshipException;
import io.nixship.pipeline.port.CommentResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StickyCommentServiceTest {
    private static final String COMMENTS = "/repos/acme/shop/issues/7/comments";
    private static final String MARKER = "<!-- nixship:freeze-diff:shop-api -->";
    private static final String DIFF =
            "| package | before | after |\n|---|---|---|\n" + "| requests | 2.31.0 | 2.32.3 |\n";

    @RegisterExtension static WireMockExtension github = GitHubStub.extension();

    private StickyCommentService service() {
        return new StickyCommentService(
                GitHubStub.connect(github, new GitHubStub.RecordingSleeper()),
                "acme/shop",
                "github-actions[bot]");
    }

    private static void stubIssue() {
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop/issues/7")).willReturn(json("issue-7.json")));
    }

    @Test
    void createsTheCommentWithTheHiddenMarkerThenEditsTheSameOne() {
        stubIssue();
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json("comments-unrelated.json")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, "comment-501.json"))
                        .willSetStateTo("commented"));
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .inScenario("sticky")
                        .whenScenarioStateIs("commented")
                        .willReturn(json("comments-with-sticky.json")));
        github.stubFor(
                patch(urlPathEqualTo("/repos/acme/shop/issues/comments/501"))
                        .willReturn(json("comment-501.json")));

        CommentResult first = service().upsert(7, "shop-api", DIFF);
        CommentResult second = service().upsert(7, "shop-api", DIFF.replace("2.32.3", "2.32.4"));

        assertThat(first.operation()).isEqualTo(CommentResult.Operation.CREATED);
        assertThat(first.commentId()).isEqualTo(501L);
        assertThat(second.operation()).isEqualTo(CommentResult.Operation.UPDATED);
        assertThat(second.commentId()).isEqualTo(501L);
        assertThat(second.url())
                .isEqualTo("https://github.example/acme/shop/pull/7#issuecomment-501");
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(COMMENTS))
                        .withRequestBody(
                                matchingJsonPath("$.body", equalTo(MARKER + "\n" + DIFF))));
        github.verify(
                1,
                patchRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/comments/501"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        equalTo(
                                                MARKER
                                                        + "\n"
                                                        + DIFF.replace("2.32.3", "2.32.4")))));
    }

    @Test
    void aMarkerInSomeoneElsesCommentIsIgnoredAndOurOwnCommentIsCreated() {
        stubIssue();
        String forged =
                "[{\"id\": 400, \"body\": \""
                        + MARKER
                        + "\\nforged\", \"html_url\":"
                        + " \"https://github.example/acme/shop/pull/7#issuecomment-400\","
                        + " \"user\": {\"login\": \"mallory\"}}]";
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(forged)));
        github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(json(201, "comment-501.json")));

        CommentResult result = service().upsert(7, "shop-api", DIFF);

        assertThat(result.operation()).isEqualTo(CommentResult.Operation.CREATED);
        assertThat(result.commentId()).isEqualTo(501L);
        github.verify(0, patchRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/comments/400")));
    }

    @Test
    void leavesAnIdenticalCommentAlone() {
        stubIssue();
        github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json("comments-with-sticky.json")));

        CommentResult result =
                service()
                        .upsert(
                                7,
                                "shop-api",
                                "| package | before | after |\n|---|---|---|\n| requests | 2.31.0 | 2.32.0 |\n");

        assertThat(result.operation()).isEqualTo(CommentResult.Operation.UNCHANGED);
        github.verify(0, postRequestedFor(urlPathEqualTo(COMMENTS)));
    }

    @Test
    void aForksReadOnlyTokenGivesNoPermissionForTheJobSummaryInstead() {
        stubIssue();
        github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json("comments-unrelated.json")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS)).willReturn(json(403, "error-not-accessible.json")));

        CommentResult result = service().upsert(7, "shop-api", DIFF);

        assertThat(result.operation()).isEqualTo(CommentResult.Operation.NO_PERMISSION);
        assertThat(result.posted()).isFalse();
        assertThat(result.reason())
                .contains("403 Resource not accessible by integration while commenting on #7")
                .doesNotContain(GitHubStub.TOKEN);
    }

    @Test
    void otherFailuresAreStillErrors() {
        stubIssue();
        github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(json("comments-unrelated.json")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS)).willReturn(json(401, "error-bad-credentials.json")));

        assertThatThrownBy(() -> service().upsert(7, "shop-api", DIFF))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("401 Bad credentials");
    }

    @Test
    void keysThatCouldBreakTheMarkerAreRejected() {
        assertThatThrownBy(() -> StickyCommentService.marker("x --> <script>"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(StickyCommentService.marker("shop-api")).isEqualTo(MARKER);
    }
}
