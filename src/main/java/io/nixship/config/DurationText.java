package io.nixship.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in {@code .nixship.yaml} and environment variables: a whole number
 * of seconds, minutes or hours ({@code 90s}, {@code 30m}, {@code 2h}), and back again for messages.
 */
public final class DurationText {
    private static final Pattern DURATION =
            Pattern.compile("(\\d{1,6})\\s*([smh])", Pattern.CASE_INSENSITIVE);

    private DurationText() {}

    /**
     * {@code 90s}, {@code 30m} or {@code 2h} as a positive duration; empty for anything else, zero
     * included.
     */
    public static Optional<Duration> parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            return Optional.empty();
        }
        long number = Long.parseLong(m.group(1));
        return Optional.of(
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "s" -> Duration.ofSeconds(number);
                    case "m" -> Duration.ofMinutes(number);
                    default -> Duration.ofHours(number);
                });
    }

    /**
     * The largest whole unit that states the duration exactly, as {@link #parse} reads it: {@code
     * 2h}, {@code 90m}, {@code 45s}. What a person wrote comes back as written unless a larger unit
     * fits ({@code 120m} reads {@code 2h}); durations under a second, which no setting has, show
     * milliseconds.
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds != 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
