package io.nixship.forge;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A GitHub App nixship acts as instead of a token: its id (or client id) and private key, from
 * {@code NIXSHIP_GITHUB_APP_ID} and {@code NIXSHIP_GITHUB_APP_PRIVATE_KEY} (the PEM text) or {@code
 * NIXSHIP_GITHUB_APP_PRIVATE_KEY_FILE} (its path). Pull requests an App opens run the repository's
 * workflows, which those opened with the workflow's own token never do.
 */
public record GitHubAppCredentials(String appId, GitHubAppKey key) {
    public static final String APP_ID = "NIXSHIP_GITHUB_APP_ID";
    public static final String PRIVATE_KEY = "NIXSHIP_GITHUB_APP_PRIVATE_KEY";
    public static final String PRIVATE_KEY_FILE = "NIXSHIP_GITHUB_APP_PRIVATE_KEY_FILE";

    public GitHubAppCredentials {
        // The id goes into the JWT's claims as it is, so it must be a plain id.
        if (!appId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw NixshipException.usage(
                    APP_ID
                            + " must be the App's numeric id or client id (Settings > Developer"
                            + " settings > GitHub Apps > the App > App ID)");
        }
    }

    /**
     * The App named by the environment; empty when no App id is set. An id without a key (or the
     * other way round) is a usage error: half of an App would silently fall back to the token.
     */
    public static Optional<GitHubAppCredentials> from(Map<String, String> env) {
        Optional<String> appId = value(env, APP_ID);
        Optional<String> pem = value(env, PRIVATE_KEY);
        Optional<String> file = value(env, PRIVATE_KEY_FILE);
        if (appId.isEmpty()) {
            if (pem.isPresent() || file.isPresent()) {
                throw NixshipException.usage(
                        (pem.isPresent() ? PRIVATE_KEY : PRIVATE_KEY_FILE)
                                + " is set but "
                                + APP_ID
                                + " is not; set the App's id too (action input github-app-id)");
            }
            return Optional.empty();
        }
        if (pem.isPresent() && file.isPresent()) {
            throw NixshipException.usage(
                    "both " + PRIVATE_KEY + " and " + PRIVATE_KEY_FILE + " are set; set only one");
        }
        if (pem.isPresent()) {
            return Optional.of(
                    new GitHubAppCredentials(
                            appId.get(), GitHubAppKey.parse(pem.get(), PRIVATE_KEY)));
        }
        if (file.isPresent()) {
            Path path = Path.of(file.get());
            return Optional.of(
                    new GitHubAppCredentials(
                            appId.get(),
                            GitHubAppKey.parse(read(path), PRIVATE_KEY_FILE + " (" + path + ")")));
        }
        throw NixshipException.usage(
                APP_ID
                        + " is set but the App's private key is not: set "
                        + PRIVATE_KEY
                        + " (action input github-app-private-key) or "
                        + PRIVATE_KEY_FILE);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw NixshipException.usage(
                    PRIVATE_KEY_FILE
                            + ": cannot read "
                            + path
                            + " ("
                            + e.getClass().getSimpleName()
                            + "); give the path of the App's .pem file");
        }
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
