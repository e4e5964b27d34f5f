package io.nixship;

/**
 * The version of the running nixship, from the jar's manifest; {@code dev} when run from classes.
 */
public final class NixshipVersion {
    private NixshipVersion() {}

    public static String current() {
        String version = NixshipVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
