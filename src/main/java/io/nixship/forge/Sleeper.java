package io.nixship.forge;

import java.time.Duration;

/** Waiting, behind an interface so tests of rate-limit handling never actually wait. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
