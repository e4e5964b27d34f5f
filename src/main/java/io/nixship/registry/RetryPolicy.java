package io.nixship.registry;

import io.nixship.Sleeper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How often and how long to wait before trying a registry request again: capped exponential backoff
 * with jitter, and a server's {@code Retry-After} honoured up to {@code maxRetryAfter}.
 *
 * @param maxAttempts total tries of one operation, the first included
 * @param jitter returns a number in [0, 1); the delay is between half and all of the backoff step
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        Sleeper sleeper,
        DoubleSupplier jitter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Six tries over about half a minute, waiting for real. */
    public static RetryPolicy standard() {
        return new RetryPolicy(
                6,
                Duration.ofMillis(500),
                Duration.ofSeconds(15),
                Duration.ofMinutes(5),
                Sleeper.real(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    public RetryPolicy withSleeper(Sleeper other) {
        return new RetryPolicy(
                maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, other, jitter);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(
                attempts, initialBackoff, maxBackoff, maxRetryAfter, sleeper, jitter);
    }

    /** The wait before try number {@code failedAttempt + 1}. */
    Duration delayAfter(int failedAttempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
        }
        long step = initialBackoff.toMillis() << Math.min(failedAttempt - 1, 20);
        long capped = Math.min(step, maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (long) (jitter.getAsDouble() * (capped - half)));
    }
}
