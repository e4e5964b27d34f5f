package io.nixship.forge;

import java.io.IOException;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;

/**
 * Connects github-api to {@code GITHUB_API_URL} (GitHub Enterprise included) with nixship's limits.
 */
public final class GitHubApi {
    private GitHubApi() {}

    public static GitHub connect(String apiUrl, String token, GitHubRateLimits limits) {
        try {
            return new GitHubBuilder()
                    .withEndpoint(apiUrl)
                    // Unlike withOAuthToken, this does not look the login up with GET /user, which
                    // an
                    // Actions installation token is not allowed to do; personal tokens work the
                    // same way.
                    .withAppInstallationToken(token)
                    .withRateLimitHandler(limits.primaryHandler())
                    .withAbuseLimitHandler(limits.secondaryHandler())
                    .build();
        } catch (IOException e) {
            throw GitHubErrors.translate(e, "connecting to the GitHub API", apiUrl);
        }
    }

    /**
     * Reads the repository once before anything is built or pushed, so a token that cannot see it,
     * or an API that is down, fails the run while nothing is half-done; returns its default branch.
     */
    public static String defaultBranch(GitHub github, String repositoryName) {
        return repository(github, repositoryName).getDefaultBranch();
    }

    static GHRepository repository(GitHub github, String repository) {
        try {
            return github.getRepository(repository);
        } catch (IOException e) {
            throw GitHubErrors.translate(e, "reading repository " + repository, github.getApiUrl());
        }
    }
}
