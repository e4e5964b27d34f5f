package io.nixship.freeze;

import java.util.Locale;

/** Byte counts in binary units with one decimal, the same on every machine (no locale). */
public final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Sizes() {}

    public static String format(long bytes) {
        long magnitude = Math.abs(bytes);
        if (magnitude < 1024) {
            return bytes + " B";
        }
        double value = magnitude;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return (bytes < 0 ? "-" : "") + String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** A signed change, e.g. {@code +5.1 MiB}, {@code -300 B} or {@code ±0 B}. */
    public static String delta(long bytes) {
        if (bytes == 0) {
            return "±0 B";
        }
        return bytes > 0 ? "+" + format(bytes) : format(bytes);
    }
}
