package io.nixship.registry;

import java.time.Duration;

/** Waits between retries; tests pass one that records instead of waiting. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
