package io.nixship.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GitHub's GraphQL API, for what github-api has no call for (the viewer of an installation token,
 * enabling auto-merge).
 */
final class GitHubGraphQl {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The status and the JSON body (missing when it was not JSON). */
    record Response(int status, JsonNode body) {
        boolean ok() {
            return status == 200 && !body.has("errors");
        }

        /** GitHub's first error message, or the status when there is none. */
        String errorMessage() {
            String message = body.path("errors").path(0).path("message").asText("");
            return message.isEmpty() ? "HTTP " + status : message;
        }
    }

    private final URI endpoint;
    private final String token;

    GitHubGraphQl(String apiUrl, String token) {
        this.endpoint = endpoint(apiUrl);
        this.token = token;
    }

    String host() {
        return endpoint.getHost();
    }

    /**
     * Posts {@code query} with {@code variables}; {@code action} names what it does for a network
     * error.
     */
    Response post(String query, ObjectNode variables, String action) {
        ObjectNode request = JSON.createObjectNode();
        request.put("query", query);
        request.set("variables", variables);
        HttpRequest http =
                HttpRequest.newBuilder(endpoint)
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                        .build();
        try {
            HttpResponse<byte[]> response =
                    HttpClient.newBuilder()
                            .connectTimeout(TIMEOUT)
                            .build()
                            .send(http, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = JSON.createObjectNode();
            }
            return new Response(
                    response.statusCode(), body == null ? JSON.createObjectNode() : body);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "GitHub " + host() + ": " + action + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("interrupted while " + action, e);
        }
    }

    /** GitHub Enterprise serves REST at /api/v3 and GraphQL at /api/graphql. */
    private static URI endpoint(String apiUrl) {
        String base = apiUrl.replaceAll("/+$", "");
        return URI.create(
                base.endsWith("/api/v3")
                        ? base.substring(0, base.length() - "/v3".length()) + "/graphql"
                        : base + "/graphql");
    }
}
