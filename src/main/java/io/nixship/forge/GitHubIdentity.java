package io.nixship.forge;

import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import org.kohsuke.github.GitHub;

/**
 * The login a token acts as: what nixship's own comments are written by. {@code GET /user} answers
 * for personal and OAuth tokens; an installation token (the workflow's {@code GITHUB_TOKEN}, an
 * App's token) may not call it, so GraphQL's {@code viewer} (its {@code name[bot]} login) answers
 * then.
 */
public final class GitHubIdentity {
    private GitHubIdentity() {}

    public static String login(GitHub github, String apiUrl, String token) {
        try {
            return github.getMyself().getLogin();
        } catch (IOException e) {
            if (!GitHubErrors.isForbidden(e)) {
                throw GitHubErrors.translate(e, "reading the token's user", apiUrl);
            }
        }
        return viewer(apiUrl, token);
    }

    private static String viewer(String apiUrl, String token) {
        GitHubGraphQl graphql = new GitHubGraphQl(apiUrl, token);
        GitHubGraphQl.Response response =
                graphql.post(
                        "query { viewer { login } }",
                        Json.mapper().createObjectNode(),
                        "reading the token's user");
        String login =
                response.status() == 200
                        ? response.body().path("data").path("viewer").path("login").asText("")
                        : "";
        if (login.isEmpty()) {
            throw NixshipException.failure(
                    "GitHub "
                            + graphql.host()
                            + ": cannot tell which user the token acts as (GET /user was"
                            + " refused, GraphQL viewer answered "
                            + response.status()
                            + "); nixship edits only comments that user wrote");
        }
        return login;
    }
}
