package io.nixship.forge;

import io.nixship.NixshipException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The GitHub Actions context ({@code GITHUB_*}, {@code RUNNER_TEMP}), read by the CLI's host
 * environment. Absent variables are {@code null}, except the API and server URLs, which default to
 * github.com (without a trailing slash).
 */
public record GitHubEnvironment(
        boolean inActions,
        String apiUrl,
        String serverUrl,
        String repository,
        String sha,
        String ref,
        String eventName,
        Path eventPath,
        String token,
        Path outputFile,
        Path stepSummaryFile,
        Path workspace,
        Path runnerTemp) {

    public static final String DEFAULT_API_URL = "https://api.github.com";
    public static final String DEFAULT_SERVER_URL = "https://github.com";

    /** The owner part of {@code GITHUB_REPOSITORY} ({@code owner/name}). */
    public String owner() {
        return requireRepository().substring(0, repository.indexOf('/'));
    }

    /** The name part of {@code GITHUB_REPOSITORY} ({@code owner/name}). */
    public String repositoryName() {
        return requireRepository().substring(repository.indexOf('/') + 1);
    }

    /** {@code $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/commit/<sha>}. */
    public String commitUrl(String commitSha) {
        return serverUrl + "/" + requireRepository() + "/commit/" + commitSha;
    }

    /** The same context with another token (e.g. one for a GitOps repository). */
    public GitHubEnvironment withToken(String otherToken) {
        return new GitHubEnvironment(
                inActions,
                apiUrl,
                serverUrl,
                repository,
                sha,
                ref,
                eventName,
                eventPath,
                otherToken,
                outputFile,
                stepSummaryFile,
                workspace,
                runnerTemp);
    }

    public Optional<String> optionalToken() {
        return Optional.ofNullable(token);
    }

    public String requireToken() {
        if (token == null) {
            throw NixshipException.usage(
                    "GITHUB_TOKEN is not set; pass github-token to the action or export GITHUB_TOKEN");
        }
        return token;
    }

    public String requireRepository() {
        if (repository == null || !repository.matches("[^/\\s]+/[^/\\s]+")) {
            throw NixshipException.usage(
                    "GITHUB_REPOSITORY must be owner/name, got "
                            + (repository == null ? "nothing" : "'" + repository + "'"));
        }
        return repository;
    }

    /** Never print the token, not even through a stray log of this record. */
    @Override
    public String toString() {
        return "GitHubEnvironment[inActions="
                + inActions
                + ", apiUrl="
                + apiUrl
                + ", serverUrl="
                + serverUrl
                + ", repository="
                + repository
                + ", sha="
                + sha
                + ", ref="
                + ref
                + ", eventName="
                + eventName
                + ", eventPath="
                + eventPath
                + ", token="
                + (token == null ? "null" : "***")
                + ", outputFile="
                + outputFile
                + ", stepSummaryFile="
                + stepSummaryFile
                + ", runnerTemp="
                + runnerTemp
                + "]";
    }
}
