package io.nixship.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCredentialsTest {
    @TempDir Path home;
    @TempDir Path bin;

    private void dockerConfig(String json) throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), json);
    }

    private static String auth(String user, String password) {
        return Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A docker-credential-NAME script that answers for one server URL read from stdin. */
    private void helper(String name, String serverUrl, String user, String secret)
            throws IOException {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "[ \"$1\" = get ] || exit 3",
                        "read -r server",
                        "if [ \"$server\" = '" + serverUrl + "' ]; then",
                        "  printf '{\"ServerURL\":\"%s\",\"Username\":\""
                                + user
                                + "\",\"Secret\":\""
                                + secret
                                + "\"}' \"$server\"",
                        "else",
                        "  echo 'credentials not found in native keychain'; exit 1",
                        "fi",
                        ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private DockerCredentials credentials() {
        return credentials(home.resolve(".docker/config.json"), List.of(), Optional.empty());
    }

    private DockerCredentials credentials(
            Path configFile, List<Path> searchPath, Optional<RegistryCredentials> actionsToken) {
        return new DockerCredentials(
                new RegistryHost(configFile, searchPath, actionsToken, home.resolve("cache")));
    }

    private DockerCredentials withHelpersIn(Path dir) {
        return credentials(home.resolve(".docker/config.json"), List.of(dir), Optional.empty());
    }

    private DockerCredentials withActionsToken(RegistryCredentials token) {
        return credentials(home.resolve(".docker/config.json"), List.of(), Optional.of(token));
    }

    @Test
    void readsBase64AuthFromDockerConfigForTheHost() throws IOException {
        dockerConfig(
                "{\"auths\":{\"https://registry.example.com\":{\"auth\":\""
                        + auth("alice", "pw:with:colons")
                        + "\"}}}");

        Optional<RegistryCredentials> found =
                credentials().resolve("registry.example.com", Optional.empty());

        assertThat(found).contains(new RegistryCredentials("alice", "pw:with:colons"));
    }

    @Test
    void dockerHubEntryMatchesDockerIo() throws IOException {
        dockerConfig(
                "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                        + auth("bob", "hub")
                        + "\"}}}");

        assertThat(credentials().resolve("docker.io", Optional.empty()))
                .contains(new RegistryCredentials("bob", "hub"));
    }

    @Test
    void credHelperForTheHostIsAskedWithTheHostOnStdin() throws IOException {
        helper("fake", "registry.example.com", "helper-user", "helper-secret");
        dockerConfig(
                "{\"credHelpers\":{\"registry.example.com\":\"fake\"},"
                        + "\"auths\":{\"registry.example.com\":{\"auth\":\""
                        + auth("inline", "ignored")
                        + "\"}}}");

        Optional<RegistryCredentials> found =
                withHelpersIn(bin).resolve("registry.example.com", Optional.empty());

        assertThat(found).contains(new RegistryCredentials("helper-user", "helper-secret"));
    }

    @Test
    void credsStoreIsTheFallbackAndItsNotFoundMeansAnonymous() throws IOException {
        helper("store", "known.example.com", "store-user", "store-secret");
        dockerConfig("{\"credsStore\":\"store\"}");
        DockerCredentials credentials = withHelpersIn(bin);

        assertThat(credentials.resolve("known.example.com", Optional.empty()))
                .contains(new RegistryCredentials("store-user", "store-secret"));
        assertThat(credentials.resolve("unknown.example.com", Optional.empty())).isEmpty();
    }

    @Test
    void missingHelperProgramIsAUsageErrorNamingIt() throws IOException {
        dockerConfig("{\"credsStore\":\"nothere\"}");

        assertThatThrownBy(() -> withHelpersIn(bin).resolve("x.example.com", Optional.empty()))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("docker-credential-nothere");
    }

    @Test
    void explicitCredentialsWinOverEverything() throws IOException {
        dockerConfig("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth("docker", "login") + "\"}}}");
        RegistryCredentials explicit = new RegistryCredentials("me", "typed");

        assertThat(
                        withActionsToken(new RegistryCredentials("x-access-token", "ghs_x"))
                                .resolve("ghcr.io", Optional.of(explicit)))
                .contains(explicit);
    }

    @Test
    void theActionsTokenIsUsedForGhcrOnly() {
        RegistryCredentials token = new RegistryCredentials("octocat", "ghs_token123");

        assertThat(withActionsToken(token).resolve("ghcr.io", Optional.empty())).contains(token);
        assertThat(withActionsToken(token).resolve("quay.io", Optional.empty())).isEmpty();
    }

    @Test
    void theConfigFileIsReadWhereTheHostSaysItIs(@TempDir Path elsewhere) throws IOException {
        Files.writeString(
                elsewhere.resolve("config.json"),
                "{\"auths\":{\"r.example.com\":{\"auth\":\"" + auth("moved", "pw") + "\"}}}");

        assertThat(
                        credentials(elsewhere.resolve("config.json"), List.of(), Optional.empty())
                                .resolve("r.example.com", Optional.empty()))
                .contains(new RegistryCredentials("moved", "pw"));
    }

    @Test
    void brokenAuthEntryIsAUsageErrorThatDoesNotEchoIt() throws IOException {
        dockerConfig(
                "{\"auths\":{\"r.example.com\":{\"auth\":\""
                        + Base64.getEncoder()
                                .encodeToString("nocolon".getBytes(StandardCharsets.UTF_8))
                        + "\"}}}");

        assertThatThrownBy(() -> credentials().resolve("r.example.com", Optional.empty()))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("auths.r.example.com.auth")
                .hasMessageNotContaining("nocolon");
    }

    @Test
    void noConfigAndNoTokenMeansAnonymous() {
        assertThat(credentials().resolve("r.example.com", Optional.empty())).isEmpty();
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(new RegistryCredentials("u", "hunter2").toString())
                .doesNotContain("hunter2")
                .contains("u");
    }
}
