package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.config.DurationText;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistrySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** How to reach a registry: credentials, hosts allowed over plain HTTP, upload concurrency. */
final class RegistryOptions {
    @Option(names = "--registry-username", paramLabel = "USER", description = "Registry user name.")
    String username;

    @Option(
            names = "--registry-password-stdin",
            description =
                    "Read the registry password or token from standard input (never from argv).")
    boolean passwordStdin;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST",
            description =
                    "A registry host[:port] that may be reached over plain HTTP (loopback always may).")
    List<String> insecure = List.of();

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "Blobs uploaded at once (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int jobs;

    @Option(
            names = "--registry-timeout",
            paramLabel = "DURATION",
            description =
                    "How long one registry request may wait to connect and for its answer (30s, 2m;"
                            + " default 60s); a stalled registry is retried, then named.")
    String timeout;

    RegistrySettings settings(Consumer<String> secrets) {
        if (jobs < 1 || jobs > 64) {
            throw NixshipException.usage("--jobs: " + jobs + " is out of range; use 1 to 64");
        }
        Duration limit =
                timeout == null
                        ? RegistrySettings.DEFAULT_TIMEOUT
                        : DurationText.parse(timeout)
                                .filter(d -> !d.isZero() && !d.isNegative())
                                .orElseThrow(
                                        () ->
                                                NixshipException.usage(
                                                        "--registry-timeout: '"
                                                                + timeout
                                                                + "' is not a duration like 30s or 2m"));
        return RegistrySettings.defaults()
                .withTimeout(limit)
                .withJobs(jobs)
                .withInsecureRegistries(Set.copyOf(insecure))
                .withSecretSeen(secrets);
    }

    /**
     * Explicit credentials: the password from standard input, else from the action's {@code
     * registry-password} input ({@code INPUT_REGISTRY-PASSWORD}, an environment variable, never an
     * option, so it is in no argv); either is masked before anything else can print it.
     */
    Optional<RegistryCredentials> credentials(CliContext context, Consumer<String> secrets) {
        Optional<String> passwordInput =
                context.host().actionInput(ActionInputDefaults.REGISTRY_PASSWORD);
        passwordInput.ifPresent(secrets);
        if (!passwordStdin && passwordInput.isEmpty()) {
            if (username != null) {
                throw NixshipException.usage(
                        "--registry-username needs --registry-password-stdin (or the registry-password action input)");
            }
            return Optional.empty();
        }
        if (username == null || username.isBlank()) {
            throw NixshipException.usage(
                    passwordStdin
                            ? "--registry-password-stdin needs --registry-username"
                            : "the registry-password action input needs registry-username too");
        }
        String password = passwordStdin ? passwordFromStdin(context, secrets) : passwordInput.get();
        return Optional.of(new RegistryCredentials(username, password));
    }

    private static String passwordFromStdin(CliContext context, Consumer<String> secrets) {
        String password;
        try {
            password = new String(context.in().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw NixshipException.usage(
                    "--registry-password-stdin: cannot read standard input: " + e.getMessage());
        }
        if (password.isEmpty()) {
            throw NixshipException.usage("--registry-password-stdin: standard input was empty");
        }
        secrets.accept(password);
        return password;
    }
}
