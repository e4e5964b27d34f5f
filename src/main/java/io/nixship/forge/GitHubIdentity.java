package io.nixship.forge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.kohsuke.github.GitHub;

/**
 * The login a token acts as: what nixship's own comments are written by. {@code GET /user} answers
 * for personal and OAuth tokens; an installation token (the workflow's {@code GITHUB_TOKEN}, an
 * App's token) may not call it, so GraphQL's {@code viewer} (its {@code name[bot]} login) answers
 * then.
 */
public final class GitHubIdentity {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
        String base = apiUrl.replaceAll("/+$", "");
        // GitHub Enterprise serves REST at /api/v3 and GraphQL at /api/graphql.
        URI graphql =
                URI.create(
                        base.endsWith("/api/v3")
                                ? base.substring(0, base.length() - "/v3".length()) + "/graphql"
                                : base + "/graphql");
        HttpRequest request =
                HttpRequest.newBuilder(graphql)
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"query\":\"query { viewer { login } }\"}"))
                        .build();
        try {
            HttpResponse<byte[]> response =
                    HttpClient.newBuilder()
                            .connectTimeout(TIMEOUT)
                            .build()
                            .send(request, HttpResponse.BodyHandlers.ofByteArray());
            String login =
                    response.statusCode() == 200
                            ? JSON.readTree(response.body())
                                    .path("data")
                                    .path("viewer")
                                    .path("login")
                                    .asText("")
                            : "";
            if (login.isEmpty()) {
                throw NixshipException.failure(
                        "GitHub "
                                + graphql.getHost()
                                + ": cannot tell which user the token acts as (GET /user was"
                                + " refused, GraphQL viewer answered "
                                + response.statusCode()
                                + "); nixship edits only comments that user wrote");
            }
            return login;
        } catch (IOException e) {
            throw NixshipException.failure(
                    "GitHub " + graphql.getHost() + ": reading the token's user: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("interrupted while reading the token's user", e);
        }
    }
}
