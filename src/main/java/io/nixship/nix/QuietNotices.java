package io.nixship.nix;

import io.nixship.config.DurationText;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says what a Nix command is waiting on when it prints nothing for a while: a builder that sleeps
 * or a substituter that stalls would otherwise leave the log silent until the time limit. Every
 * {@code interval} of quiet it logs one line naming the last thing Nix said it was doing (building
 * a derivation, copying a path from a cache, downloading a URL) and how long it has been quiet.
 */
final class QuietNotices implements AutoCloseable {
    /** Nix's own progress lines, as {@code nix-build} and {@code nix-prefetch-url} print them. */
    private static final Pattern ACTIVITY =
            Pattern.compile(
                    "^\\s*(building '/nix/store/[^']+'|copying path '[^']+' from '[^']+'|downloading '[^']+')");

    /** A download try that failed; Nix retries it, quietly, with growing pauses. */
    private static final Pattern RETRY =
            Pattern.compile("unable to download '([^']+)': (.*?)(?:; retrying in .*)?$");

    private final String program;
    private final Duration interval;
    private final Duration timeLimit;
    private final Consumer<String> output;
    private final Consumer<String> notices;
    private final Object lock = new Object();
    private final Thread watcher;
    private long lastOutput = System.nanoTime();

    /** Notices given since the last output line: one per whole interval of quiet. */
    private long noticesSinceOutput;

    private Optional<String> activity;
    private boolean closed;

    private QuietNotices(
            String program,
            Optional<String> activity,
            Duration interval,
            Duration timeLimit,
            Consumer<String> output,
            Consumer<String> notices) {
        this.program = program;
        this.activity = activity;
        this.interval = interval;
        this.timeLimit = timeLimit;
        this.output = output;
        this.notices = notices;
        this.watcher = new Thread(this::watch, "nixship-quiet-" + program);
        watcher.setDaemon(true);
    }

    /**
     * Starts watching; pass every output line to {@link #line}, and close when the command ends.
     *
     * @param activity what the command does before it says anything, when its arguments tell
     * @param output where the command's lines go on to
     * @param notices where the notices go
     */
    static QuietNotices start(
            String program,
            Optional<String> activity,
            Duration interval,
            Duration timeLimit,
            Consumer<String> output,
            Consumer<String> notices) {
        QuietNotices watch =
                new QuietNotices(program, activity, interval, timeLimit, output, notices);
        watch.watcher.start();
        return watch;
    }

    /** Records one line of Nix's output and passes it on. */
    void line(String text) {
        synchronized (lock) {
            lastOutput = System.nanoTime();
            noticesSinceOutput = 0;
            Matcher doing = ACTIVITY.matcher(text);
            Matcher retry = RETRY.matcher(text);
            if (doing.find()) {
                activity = Optional.of(doing.group(1));
            } else if (retry.find()) {
                activity =
                        Optional.of(
                                "downloading '"
                                        + retry.group(1)
                                        + "' (the last try failed: "
                                        + retry.group(2)
                                        + ")");
            }
        }
        output.accept(text);
    }

    /** The last thing Nix said it was doing, e.g. {@code building '/nix/store/...drv'}. */
    Optional<String> activity() {
        synchronized (lock) {
            return activity;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private void watch() {
        long intervalNanos = interval.toNanos();
        while (true) {
            String notice;
            synchronized (lock) {
                long due =
                        lastOutput + (noticesSinceOutput + 1) * intervalNanos - System.nanoTime();
                if (due > 0) {
                    try {
                        lock.wait(Math.max(1, due / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                if (System.nanoTime() - lastOutput < (noticesSinceOutput + 1) * intervalNanos) {
                    continue;
                }
                noticesSinceOutput++;
                notice =
                        program
                                + " has printed nothing for "
                                + DurationText.format(interval.multipliedBy(noticesSinceOutput))
                                + activity.map(doing -> "; still " + doing)
                                        .orElse("; no progress reported yet")
                                + " (time limit "
                                + DurationText.format(timeLimit)
                                + ")";
            }
            notices.accept(notice);
        }
    }
}
