package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.nixship.e2e.CommentHarness.COMMENTS;
import static io.nixship.e2e.CommentHarness.MARKER;
import static io.nixship.e2e.CommentHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.SharedRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nixship comment} from the packaged jar on a {@code pull_request} event, twice: the first
 * run posts the sticky freeze-diff comment, the second edits it, a PATCH.
 */
class PackagedCommentIT {
    @RegisterExtension static WireMockExtension github = CommentHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path temp;

    @Test
    void theFirstRunPostsTheCommentAndALaterPushEditsTheSameOne() throws IOException {
        CommentHarness harness = CommentHarness.create(temp, registry.server());
        CommentHarness.stubPullRequest(github);
        CommentHarness.stubStickyComment(github);

        CliRun.Result posted = comment(harness, "first", harness.upgradeCommit);

        PackagedRuns.assertSucceeded(posted);
        assertThat(posted.out()).isEqualTo(CommentHarness.COMMENT_URL + "\n");
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(COMMENTS))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        containing(
                                                "| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |"))));

        CliRun.Result edited = comment(harness, "second", harness.sameAsBaseCommit);

        PackagedRuns.assertSucceeded(edited);
        assertThat(edited.out()).isEqualTo(CommentHarness.COMMENT_URL + "\n");
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
        assertThat((posted.all() + edited.all()).replace("::add-mask::" + TOKEN, ""))
                .doesNotContain(TOKEN);
    }

    @Test
    void aMarkerCommentBySomeoneElseIsLeftAloneAndOurOwnIsCreated() throws IOException {
        CommentHarness harness = CommentHarness.create(temp, registry.server());
        CommentHarness.stubPullRequest(github);
        String foreign =
                "{\"id\": 600, \"body\": \""
                        + MARKER
                        + "\\nplanted\", \"html_url\": \"https://github.example/acme/shop/pull/7#issuecomment-600\","
                        + " \"user\": {\"login\": \"mallory\"}}";
        github.stubFor(
                get(urlPathEqualTo(COMMENTS))
                        .willReturn(CommentHarness.json(200, "[" + foreign + "]")));
        github.stubFor(
                post(urlPathEqualTo(COMMENTS))
                        .willReturn(CommentHarness.json(201, CommentHarness.COMMENT_JSON)));

        CliRun.Result posted = comment(harness, "first", harness.upgradeCommit);

        PackagedRuns.assertSucceeded(posted);
        github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        github.verify(
                0, anyRequestedFor(urlPathMatching("/repos/acme/shop/issues/comments/600.*")));
    }

    private CliRun.Result comment(CommentHarness harness, String name, String head)
            throws IOException {
        return new LauncherRun(harness.actions(name, head, github.baseUrl())).run("comment");
    }
}
