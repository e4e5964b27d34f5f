package io.nixship.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How to talk to registries.
 *
 * @param jobs how many blobs upload at once
 * @param insecureRegistries hosts ({@code host} or {@code host:port}) reached over plain HTTP;
 *     loopback always is
 * @param secretSeen hears every secret the client derives (bearer tokens) before any use, so the
 *     CLI can mask it in CI logs
 * @param timeout how long one request may wait to connect, for the answer, and for the rest of a
 *     manifest, token or error body (a stalled registry is retried, then named)
 */
public record RegistrySettings(
        int jobs,
        Set<String> insecureRegistries,
        RetryPolicy retry,
        Clock clock,
        Consumer<String> secretSeen,
        Duration timeout) {
    public static final int DEFAULT_JOBS = 4;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public RegistrySettings {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
        insecureRegistries = Set.copyOf(insecureRegistries);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static RegistrySettings defaults() {
        return new RegistrySettings(
                DEFAULT_JOBS,
                Set.of(),
                RetryPolicy.standard(),
                Clock.systemUTC(),
                secret -> {},
                DEFAULT_TIMEOUT);
    }

    public RegistrySettings withJobs(int otherJobs) {
        return new RegistrySettings(
                otherJobs, insecureRegistries, retry, clock, secretSeen, timeout);
    }

    public RegistrySettings withInsecureRegistries(Set<String> hosts) {
        return new RegistrySettings(jobs, hosts, retry, clock, secretSeen, timeout);
    }

    public RegistrySettings withRetry(RetryPolicy otherRetry) {
        return new RegistrySettings(
                jobs, insecureRegistries, otherRetry, clock, secretSeen, timeout);
    }

    public RegistrySettings withClock(Clock otherClock) {
        return new RegistrySettings(
                jobs, insecureRegistries, retry, otherClock, secretSeen, timeout);
    }

    public RegistrySettings withSecretSeen(Consumer<String> listener) {
        return new RegistrySettings(jobs, insecureRegistries, retry, clock, listener, timeout);
    }

    public RegistrySettings withTimeout(Duration other) {
        return new RegistrySettings(jobs, insecureRegistries, retry, clock, secretSeen, other);
    }
}
