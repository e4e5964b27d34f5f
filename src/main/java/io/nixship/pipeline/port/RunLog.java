package io.nixship.pipeline.port;

/** Progress lines for whoever watches the run (stderr, the Actions log). */
@FunctionalInterface
public interface RunLog {
    void line(String line);
}
