package io.nixship.freeze;

/**
 * One package across two freezes.
 *
 * @param name the name as the newer freeze prints it (the older one's when removed)
 * @param before the entry before, {@code null} when added
 * @param after the entry after, {@code null} when removed
 * @param change how they differ
 */
public record PackageChange(String name, FreezeEntry before, FreezeEntry after, Change change) {
    /** Compares two entries of one package; at least one must be present. */
    public static PackageChange of(FreezeEntry before, FreezeEntry after) {
        if (before == null && after == null) {
            throw new IllegalArgumentException(
                    "a package change needs an entry on at least one side");
        }
        if (before == null) {
            return new PackageChange(after.name(), null, after, Change.ADDED);
        }
        if (after == null) {
            return new PackageChange(before.name(), before, null, Change.REMOVED);
        }
        return new PackageChange(after.name(), before, after, classify(before, after));
    }

    private static Change classify(FreezeEntry before, FreezeEntry after) {
        if (before.version() != null && after.version() != null) {
            int order =
                    PythonVersion.parse(before.version())
                            .compareTo(PythonVersion.parse(after.version()));
            if (order != 0) {
                return order < 0 ? Change.UPGRADED : Change.DOWNGRADED;
            }
        }
        // A different spelling of the name alone (Flask vs flask) is the same pin.
        return withoutName(before).equals(withoutName(after)) ? Change.UNCHANGED : Change.CHANGED;
    }

    private static String withoutName(FreezeEntry entry) {
        String requirement = entry.requirement();
        int at = requirement.indexOf(entry.name());
        return at < 0
                ? requirement
                : requirement.substring(0, at) + requirement.substring(at + entry.name().length());
    }

    /**
     * What the table shows for a side: its version, else its requirement without the name; empty
     * when absent.
     */
    public static String display(FreezeEntry entry) {
        if (entry == null) {
            return "";
        }
        if (entry.version() != null) {
            return entry.version();
        }
        return withoutName(entry).strip();
    }
}
