package io.nixship.freeze;

import java.util.Objects;

/** The nixpkgs git revisions two environments were built from. */
public record NixpkgsChange(String before, String after) {
    public NixpkgsChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    public boolean changed() {
        return !before.equals(after);
    }

    /** GitHub's view of the commits between the two revisions. */
    public String compareUrl() {
        return "https://github.com/NixOS/nixpkgs/compare/" + before + "..." + after;
    }
}
