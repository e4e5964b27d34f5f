package io.nixship.forge;

import io.nixship.NixshipException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.kohsuke.github.GHAppInstallation;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.HttpException;

/**
 * Installation tokens of a GitHub App for one repository, minted with the App's JWT through
 * github-api's App support ({@code GET /app}, {@code GET /repos/{owner}/{repo}/installation},
 * {@code POST /app/installations/{id}/access_tokens}) and limited to that repository. A token lives
 * an hour and a cold build can take longer, so a new one is minted when the current one is about to
 * expire. Every JWT and token is handed to {@code mask} before it is used.
 */
public final class GitHubAppInstallationTokens {
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

    private final String apiUrl;
    private final GitHubAppCredentials app;
    private final String repository;
    private final GitHubRateLimits limits;
    private final Clock clock;
    private final Consumer<String> mask;

    private String token;
    private Instant expiresAt = Instant.MIN;

    /**
     * @param repository {@code owner/name}: the installation that holds it, and the only repository
     *     the tokens may touch
     */
    public GitHubAppInstallationTokens(
            String apiUrl,
            GitHubAppCredentials app,
            String repository,
            GitHubRateLimits limits,
            Clock clock,
            Consumer<String> mask) {
        this.apiUrl = apiUrl;
        this.app = app;
        this.repository = repository;
        this.limits = limits;
        this.clock = clock;
        this.mask = mask;
    }

    /** A token valid for at least ten more minutes. */
    public synchronized String token() {
        if (token == null || !clock.instant().isBefore(expiresAt.minus(RENEW_BEFORE))) {
            mint();
        }
        return token;
    }

    private void mint() {
        String jwt = app.key().jwt(app.appId(), clock.instant());
        mask.accept(jwt);
        GitHub asApp;
        try {
            asApp =
                    new GitHubBuilder()
                            .withEndpoint(apiUrl)
                            .withJwtToken(jwt)
                            .withRateLimitHandler(limits.primaryHandler())
                            .withAbuseLimitHandler(limits.secondaryHandler())
                            .build();
        } catch (IOException e) {
            throw GitHubErrors.translate(e, "connecting to the GitHub API", apiUrl);
        }
        String owner = repository.substring(0, repository.indexOf('/'));
        String name = repository.substring(repository.indexOf('/') + 1);
        GHAppInstallation installation;
        try {
            installation = asApp.getApp().getInstallationByRepository(owner, name);
        } catch (IOException e) {
            throw refused(e);
        }
        GHAppInstallationToken minted;
        try {
            minted = installation.createToken().repositories(List.of(name)).create();
        } catch (IOException e) {
            throw GitHubErrors.translate(
                    e, "minting an installation token of App " + app.appId(), apiUrl);
        }
        mask.accept(minted.getToken());
        token = minted.getToken();
        try {
            expiresAt = minted.getExpiresAt().toInstant();
        } catch (IOException e) {
            throw NixshipException.failure(
                    "GitHub answered an installation token without a valid expires_at", e);
        }
    }

    private NixshipException refused(IOException e) {
        if (e instanceof HttpException http && http.getResponseCode() == 401) {
            return NixshipException.usage(
                    "GitHub refused the token signed with "
                            + GitHubAppCredentials.PRIVATE_KEY
                            + " for App "
                            + app.appId()
                            + ": check that the id and the private key belong to the same App"
                            + " and that this machine's clock is right");
        }
        // github-api reports a 404 as a FileNotFoundException, not an HttpException.
        if (e instanceof FileNotFoundException
                || (e instanceof HttpException http && http.getResponseCode() == 404)) {
            return NixshipException.usage(
                    "GitHub App "
                            + app.appId()
                            + " is not installed on "
                            + repository
                            + ": install it there (the App's page > Install App) with the"
                            + " permissions README lists");
        }
        return GitHubErrors.translate(
                e, "finding App " + app.appId() + "'s installation on " + repository, apiUrl);
    }
}
