package io.nixship.pipeline.port;

/** One comment per pull request and key, edited in place on later runs. */
@FunctionalInterface
public interface PullRequestComments {
    /**
     * Creates or edits the comment holding {@code markdown} on issue or pull request {@code
     * number}.
     */
    CommentResult upsert(int number, String key, String markdown);
}
