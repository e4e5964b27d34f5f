package io.nixship.pipeline.port;

/** The forge's pull requests: exactly one open per {@code nixship/*} branch. */
@FunctionalInterface
public interface PullRequests {
    /**
     * Creates the pull request, or updates the open one, or closes it when the branch no longer
     * differs from its base.
     *
     * @throws PullRequestConflict when the forge refused the change as conflicting with the state
     *     it holds (a concurrent run opened the pull request first); looking again may succeed
     */
    PullRequestResult synchronize(PullRequestSpec spec);
}
