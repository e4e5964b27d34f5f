package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code docker-credential-NAME get}, found on the given {@code PATH}, with the server URL on
 * stdin (never in argv) and reads {@code {"Username":..,"Secret":..}} from stdout. The helper's
 * stderr is discarded unread: helpers may echo what they were given.
 */
public final class ProcessCredentialHelper implements CredentialHelper {
    private static final ObjectMapper JSON = Json.mapper();
    private static final long TIMEOUT_SECONDS = 60;

    private final List<Path> searchPath;

    public ProcessCredentialHelper(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    @Override
    public Optional<RegistryCredentials> get(String helperName, String serverUrl) {
        if (!helperName.matches("[A-Za-z0-9_.-]+")) {
            throw NixshipException.usage(
                    "docker credential helper name '" + helperName + "' is not a plain name");
        }
        String program = "docker-credential-" + helperName;
        Path executable =
                searchPath.stream()
                        .map(dir -> dir.resolve(program))
                        .filter(Files::isExecutable)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        NixshipException.usage(
                                                "docker config names credential helper '"
                                                        + helperName
                                                        + "' but "
                                                        + program
                                                        + " is not on PATH"));
        try {
            Process process =
                    new ProcessBuilder(executable.toString(), "get")
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream stdout = process.getInputStream()) {
                out = stdout.readAllBytes();
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw NixshipException.failure(
                        program + " get did not finish within " + TIMEOUT_SECONDS + "s");
            }
            if (process.exitValue() != 0) {
                // Helpers exit non-zero with "credentials not found in native keychain": nothing
                // stored.
                return Optional.empty();
            }
            JsonNode json = JSON.readTree(out);
            String username = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            if (username.isEmpty() || secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new RegistryCredentials(username, secret));
        } catch (IOException e) {
            throw NixshipException.failure(
                    program + " get failed to run or printed no JSON credentials", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure(program + " get was interrupted");
        }
    }
}
