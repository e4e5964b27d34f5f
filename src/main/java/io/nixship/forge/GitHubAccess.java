package io.nixship.forge;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;

/**
 * How nixship reaches one repository on GitHub: the API connection and the token git pushes and
 * GraphQL calls use, both from the same credentials (a GitHub App's installation token when an App
 * is configured, else {@code GITHUB_TOKEN}).
 */
public final class GitHubAccess {
    private final String apiUrl;
    private final Supplier<String> token;
    private final GitHub api;

    private GitHubAccess(String apiUrl, Supplier<String> token, GitHub api) {
        this.apiUrl = apiUrl;
        this.token = token;
        this.api = api;
    }

    /**
     * Access to {@code repository} ({@code owner/name}) as {@code app} when given, else with the
     * environment's token. With App credentials the first installation token is minted here, so
     * wrong credentials fail the run before anything is built; every token is handed to {@code
     * mask} first.
     */
    public static GitHubAccess to(
            GitHubEnvironment env,
            Optional<GitHubAppCredentials> app,
            String repository,
            GitHubRateLimits limits,
            Clock clock,
            Consumer<String> mask) {
        if (app.isEmpty()) {
            String token = env.requireToken();
            mask.accept(token);
            return new GitHubAccess(
                    env.apiUrl(), () -> token, GitHubApi.connect(env.apiUrl(), token, limits));
        }
        GitHubAppInstallationTokens tokens =
                new GitHubAppInstallationTokens(
                        env.apiUrl(), app.get(), repository, limits, clock, mask);
        tokens.token();
        try {
            GitHub api =
                    new GitHubBuilder()
                            .withEndpoint(env.apiUrl())
                            .withAuthorizationProvider(() -> "token " + tokens.token())
                            .withRateLimitHandler(limits.primaryHandler())
                            .withAbuseLimitHandler(limits.secondaryHandler())
                            .build();
            return new GitHubAccess(env.apiUrl(), tokens::token, api);
        } catch (IOException e) {
            throw GitHubErrors.translate(e, "connecting to the GitHub API", env.apiUrl());
        }
    }

    public static GitHubAccess to(
            GitHubEnvironment env,
            Optional<GitHubAppCredentials> app,
            String repository,
            Consumer<String> mask) {
        return to(env, app, repository, GitHubRateLimits.standard(), Clock.systemUTC(), mask);
    }

    public GitHub api() {
        return api;
    }

    /** The current token, for git over https and GraphQL. */
    public String token() {
        return token.get();
    }

    public String apiUrl() {
        return apiUrl;
    }
}
