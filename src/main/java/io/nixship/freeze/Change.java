package io.nixship.freeze;

import java.util.Locale;

/** How one package differs between two freezes. */
public enum Change {
    UPGRADED("⬆️"),
    DOWNGRADED("⬇️"),
    /** Same version by PEP 440 but a different pin, e.g. another {@code name @ url} source. */
    CHANGED("🔄"),
    ADDED("➕"),
    REMOVED("➖"),
    UNCHANGED("");

    private final String symbol;

    Change(String symbol) {
        this.symbol = symbol;
    }

    /** The lower-case word used in every output format, e.g. {@code upgraded}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** An arrow or sign that goes with the word in markdown. */
    public String symbol() {
        return symbol;
    }
}
