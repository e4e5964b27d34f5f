package io.nixship.registry;

import io.nixship.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the waits a retry asked for instead of waiting, and can act on each (e.g. restart a
 * server).
 */
final class RecordingSleeper implements Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final Runnable onSleep;

    RecordingSleeper() {
        this(() -> {});
    }

    RecordingSleeper(Runnable onSleep) {
        this.onSleep = onSleep;
    }

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
        onSleep.run();
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }

    RetryPolicy policy() {
        return RetryPolicy.standard().withSleeper(this);
    }
}
