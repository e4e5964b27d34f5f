package io.nixship.pipeline.port;

import io.nixship.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the pauses asked for instead of waiting. */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> pauses = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
        pauses.add(duration);
    }

    public List<Duration> pauses() {
        return List.copyOf(pauses);
    }
}
