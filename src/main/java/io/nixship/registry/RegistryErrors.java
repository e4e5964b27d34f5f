package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import java.io.IOException;
import java.net.URI;

/**
 * Turns a registry's refusal into the one line a person reads, naming the status and the error
 * code.
 */
final class RegistryErrors {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_DETAIL = 200;

    private RegistryErrors() {}

    /**
     * {@code registry HOST: METHOD PATH answered 401 UNAUTHORIZED (authentication required)}. Only
     * the path is named: upload locations carry opaque state in their query, and no header is ever
     * quoted.
     */
    static String describe(String host, String method, URI uri, int status, byte[] body) {
        return "registry "
                + host
                + ": "
                + method
                + " "
                + uri.getRawPath()
                + " answered "
                + status
                + " "
                + codes(status, body);
    }

    static String codes(int status, byte[] body) {
        StringBuilder out = new StringBuilder();
        try {
            JsonNode errors =
                    body == null || body.length == 0 ? null : JSON.readTree(body).path("errors");
            if (errors != null && errors.isArray()) {
                for (JsonNode error : errors) {
                    if (out.length() > 0) {
                        out.append("; ");
                    }
                    out.append(error.path("code").asText("UNKNOWN"));
                    String message = error.path("message").asText("");
                    if (!message.isEmpty()) {
                        out.append(" (").append(message).append(')');
                    }
                }
            }
        } catch (IOException notJson) {
            // A proxy's HTML page: the status alone says enough.
        }
        if (out.length() == 0) {
            out.append(status == 401 ? "UNAUTHORIZED" : reason(status));
        }
        String line = out.toString().replaceAll("[\\r\\n\\t]+", " ");
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line;
    }

    private static String reason(int status) {
        return switch (status) {
            case 403 -> "DENIED";
            case 404 -> "NOT_FOUND";
            case 408 -> "REQUEST_TIMEOUT";
            case 429 -> "TOOMANYREQUESTS";
            default -> status >= 500 ? "SERVER_ERROR" : "HTTP_ERROR";
        };
    }
}
