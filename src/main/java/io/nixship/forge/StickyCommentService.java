package io.nixship.forge;

import io.nixship.pipeline.port.CommentResult;
import io.nixship.pipeline.port.PullRequestComments;
import java.io.IOException;
import java.util.regex.Pattern;
import org.kohsuke.github.GHIssue;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;

/**
 * One comment per pull request and key, found again by a hidden marker ({@code <!--
 * nixship:freeze-diff:<key> -->}) in a comment the same user wrote, and edited in place on later
 * runs, never duplicated.
 */
public final class StickyCommentService implements PullRequestComments {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]{1,100}");

    private final GitHub github;
    private final String repositoryName;
    private final String author;

    /**
     * @param repository {@code owner/name}
     * @param author the login the token acts as ({@link GitHubIdentity}): only a comment it wrote
     *     is edited, so a marker copied into anyone else's comment is ignored
     */
    public StickyCommentService(GitHub github, String repository, String author) {
        this.github = github;
        this.repositoryName = repository;
        this.author = author;
    }

    public static String marker(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("sticky comment key must match " + KEY + ": " + key);
        }
        return "<!-- nixship:freeze-diff:" + key + " -->";
    }

    /**
     * Creates or edits the comment holding {@code markdown} on issue or pull request {@code
     * number}.
     */
    @Override
    public CommentResult upsert(int number, String key, String markdown) {
        String marker = marker(key);
        String body =
                marker
                        + "\n"
                        + MarkdownLimit.fit(
                                markdown,
                                MarkdownLimit.GITHUB_MAX_CHARS - marker.length() - 1,
                                "see the job summary for the full diff");
        GHRepository repository = GitHubApi.repository(github, repositoryName);
        String action = "reading the comments of #" + number;
        try {
            GHIssue issue = repository.getIssue(number);
            GHIssueComment existing = null;
            for (GHIssueComment comment : issue.listComments()) {
                if (comment.getBody() != null
                        && comment.getBody().contains(marker)
                        && writtenByUs(comment)) {
                    existing = comment;
                    break;
                }
            }
            if (existing != null && body.equals(existing.getBody())) {
                return result(CommentResult.Operation.UNCHANGED, existing);
            }
            if (existing != null) {
                action = "editing comment " + existing.getId() + " on #" + number;
                existing.update(body);
                return result(CommentResult.Operation.UPDATED, existing);
            }
            action = "commenting on #" + number;
            return result(CommentResult.Operation.CREATED, issue.comment(body));
        } catch (IOException e) {
            if (GitHubErrors.isForbidden(e)) {
                return new CommentResult(
                        CommentResult.Operation.NO_PERMISSION,
                        null,
                        null,
                        GitHubErrors.describe(e, action, github.getApiUrl()));
            }
            throw GitHubErrors.translate(e, action, github.getApiUrl());
        }
    }

    // getUser(), its replacement, fetches the user again (GET /users/{login}) for every comment.
    @SuppressWarnings("deprecation")
    private boolean writtenByUs(GHIssueComment comment) {
        return author.equalsIgnoreCase(comment.getUserName());
    }

    private static CommentResult result(CommentResult.Operation operation, GHIssueComment comment) {
        return new CommentResult(operation, comment.getId(), comment.getHtmlUrl().toString(), null);
    }
}
