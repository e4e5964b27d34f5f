package io.nixship;

import java.time.Duration;

/**
 * Waits between retries (registry requests, GitHub rate limits, a branch another run is pushing);
 * tests pass one that records instead of waiting.
 */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
