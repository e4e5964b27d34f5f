package io.nixship.forge;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code nixship comment} needs from a {@code pull_request} event ({@code GITHUB_EVENT_PATH}):
 * the number, the head and base commits, and the base repository ({@code owner/name}), where the
 * comment goes.
 */
public record PullRequestEvent(int number, String headSha, String baseSha, String repository) {

    /**
     * @throws NixshipException (usage) when the file is missing, not JSON, or not a pull_request
     *     event
     */
    public static PullRequestEvent read(Path eventFile) {
        JsonNode event;
        try {
            event = Json.mapper().readTree(eventFile.toFile());
        } catch (IOException e) {
            throw NixshipException.usage(
                    "cannot read the GitHub event " + eventFile + ": " + e.getMessage());
        }
        JsonNode pull = event.path("pull_request");
        if (!pull.isObject()) {
            throw NixshipException.usage(
                    eventFile
                            + " has no pull_request: run 'nixship comment' on pull_request or pull_request_target events");
        }
        return new PullRequestEvent(
                pull.path("number").asInt(event.path("number").asInt(0)),
                required(pull.path("head").path("sha"), "pull_request.head.sha", eventFile),
                required(pull.path("base").path("sha"), "pull_request.base.sha", eventFile),
                required(
                        pull.path("base").path("repo").path("full_name"),
                        "pull_request.base.repo.full_name",
                        eventFile));
    }

    public PullRequestEvent {
        if (number <= 0) {
            throw NixshipException.usage("the pull_request event has no number");
        }
    }

    private static String required(JsonNode node, String field, Path eventFile) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw NixshipException.usage(eventFile + " has no " + field);
        }
        return node.asText();
    }
}
