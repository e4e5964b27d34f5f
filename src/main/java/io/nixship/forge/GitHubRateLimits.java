package io.nixship.forge;

import io.nixship.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * How nixship waits on GitHub's rate limits, as GitHub documents them. github-api calls these
 * handlers on a limited response and repeats the request when they return normally.
 *
 * <ul>
 *   <li>Primary limit ({@code x-ratelimit-remaining: 0}): wait until {@code x-ratelimit-reset}, if
 *       that is within {@code maxWait}; else fail saying when the limit resets.
 *   <li>Secondary limit: wait {@code retry-after} seconds when given, else at least a minute,
 *       doubling on each further hit of the same request, capped at {@code maxWait}.
 * </ul>
 *
 * After {@code maxRetries} waits for one request nixship gives up with a one-line error. github-api
 * itself repeats a request at most twice, so more than two retries are never used.
 */
public final class GitHubRateLimits {
    private static final Duration SECONDARY_MINIMUM = Duration.ofMinutes(1);

    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration maxWait;
    private final int maxRetries;
    private final Map<String, Integer> secondaryHits = new ConcurrentHashMap<>();
    private final Map<String, Integer> primaryHits = new ConcurrentHashMap<>();

    public GitHubRateLimits(Sleeper sleeper, Clock clock, Duration maxWait, int maxRetries) {
        this.sleeper = sleeper;
        this.clock = clock;
        this.maxWait = maxWait;
        this.maxRetries = maxRetries;
    }

    /** Real waiting, at most 15 minutes per wait and two retries per request. */
    public static GitHubRateLimits standard() {
        return new GitHubRateLimits(Sleeper.real(), Clock.systemUTC(), Duration.ofMinutes(15), 2);
    }

    public GitHubRateLimitHandler primaryHandler() {
        return new GitHubRateLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                int hits = primaryHits.merge(requestKey(response), 1, Integer::sum);
                Instant reset = resetTime(response);
                Duration wait = Duration.between(clock.instant(), reset).plusSeconds(1);
                if (wait.isNegative()) {
                    wait = Duration.ofSeconds(1);
                }
                if (hits > maxRetries || wait.compareTo(maxWait) > 0) {
                    throw new GitHubLimitException(
                            "GitHub API rate limit exhausted for this token; it resets at "
                                    + reset
                                    + ". Re-run after that or use a token with a separate limit");
                }
                pause(wait);
            }
        };
    }

    public GitHubAbuseLimitHandler secondaryHandler() {
        return new GitHubAbuseLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                int hits = secondaryHits.merge(requestKey(response), 1, Integer::sum);
                if (hits > maxRetries) {
                    throw new GitHubLimitException(
                            "GitHub secondary rate limit still hit after "
                                    + maxRetries
                                    + " waits on "
                                    + response.request().method()
                                    + " "
                                    + response.request().url().getPath()
                                    + "; too many requests from this workflow, re-run later");
                }
                pause(secondaryWait(response.header("Retry-After"), hits));
            }
        };
    }

    /** {@code retry-after} when given; else a minute, doubling with each hit; capped. */
    Duration secondaryWait(String retryAfter, int hit) {
        Duration wait;
        if (retryAfter != null && retryAfter.strip().matches("\\d+")) {
            wait = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
        } else {
            wait = SECONDARY_MINIMUM.multipliedBy(1L << Math.min(hit - 1, 20));
        }
        return wait.compareTo(maxWait) > 0 ? maxWait : wait;
    }

    private Instant resetTime(GitHubConnectorResponse response) {
        String reset = response.header("X-RateLimit-Reset");
        if (reset != null && reset.strip().matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(reset.strip()));
        }
        // Without a reset time, GitHub's advice is to wait at least a minute.
        return clock.instant().plus(SECONDARY_MINIMUM);
    }

    private void pause(Duration wait) throws IOException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("interrupted while waiting");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private static String requestKey(GitHubConnectorResponse response) {
        return response.request().method() + " " + response.request().url();
    }
}
