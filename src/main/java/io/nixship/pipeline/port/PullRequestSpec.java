package io.nixship.pipeline.port;

import java.util.List;

/**
 * The pull request nixship wants for one branch.
 *
 * @param baseBranch null for the repository's default branch
 * @param branchDiffersFromBase false closes an open pull request instead
 */
public record PullRequestSpec(
        String headBranch,
        String baseBranch,
        String title,
        String body,
        List<String> labels,
        boolean branchDiffersFromBase) {

    public PullRequestSpec {
        labels = List.copyOf(labels);
    }
}
