package io.nixship.forge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHRepository;

/**
 * Enables auto-merge on a pull request nixship opened (GraphQL {@code enablePullRequestAutoMerge}:
 * github-api 1.330 reads a pull request's auto-merge state but cannot enable it). GitHub then
 * merges it once the required checks pass. A repository that does not allow auto-merge, or a pull
 * request GitHub would merge at once, gets a warning: the pull request itself is fine.
 */
public final class PullRequestAutoMerge {
    private static final String MUTATION =
            "mutation($id: ID!, $method: PullRequestMergeMethod) {"
                    + " enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method})"
                    + " { pullRequest { number } } }";

    private final String apiUrl;
    private final Supplier<String> token;
    private final Consumer<String> warn;

    public PullRequestAutoMerge(String apiUrl, Supplier<String> token, Consumer<String> warn) {
        this.apiUrl = apiUrl;
        this.token = token;
        this.warn = warn;
    }

    /** Requests auto-merge with a merge method {@code repository} allows. */
    void enable(GHRepository repository, GHPullRequest pullRequest) {
        ObjectNode variables = Json.mapper().createObjectNode();
        variables.put("id", pullRequest.getNodeId());
        mergeMethod(repository).ifPresent(method -> variables.put("method", method));
        GitHubGraphQl.Response response =
                new GitHubGraphQl(apiUrl, token.get())
                        .post(
                                MUTATION,
                                variables,
                                "enabling auto-merge on pull request #" + pullRequest.getNumber());
        if (!response.ok()) {
            warn.accept(
                    "auto-merge is not enabled on pull request #"
                            + pullRequest.getNumber()
                            + ": GitHub answered '"
                            + response.errorMessage()
                            + "'; allow it under the repository's Settings > General > Allow"
                            + " auto-merge (it also needs a branch protection rule with required"
                            + " checks), or drop automerge");
        }
    }

    /**
     * A merge commit if the repository allows it, else squash, else rebase; none (GitHub's default)
     * when the token cannot see which it allows.
     */
    private static Optional<String> mergeMethod(GHRepository repository) {
        if (repository.isAllowMergeCommit()) {
            return Optional.of("MERGE");
        }
        if (repository.isAllowSquashMerge()) {
            return Optional.of("SQUASH");
        }
        return repository.isAllowRebaseMerge() ? Optional.of("REBASE") : Optional.empty();
    }
}
