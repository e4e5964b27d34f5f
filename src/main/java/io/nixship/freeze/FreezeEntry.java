package io.nixship.freeze;

import java.util.Objects;

/**
 * One installed package as {@code pip freeze} lists it.
 *
 * @param name the project name as pip prints it (the metadata {@code Name:}, e.g. {@code Flask})
 * @param version the version as pip prints it, or {@code null} when the line does not carry one (a
 *     {@code name @ url} reference read back from text)
 * @param requirement the exact text pip prints for the package, without the trailing newline:
 *     usually {@code Name==version}, {@code Name===version} for a non-PEP 440 version, {@code
 *     Name @ url} for a direct reference, or {@code -e location} preceded by pip's comment lines
 *     for an editable install
 */
public record FreezeEntry(String name, String version, String requirement) {
    public FreezeEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requirement, "requirement");
    }

    /**
     * The usual pin: {@code name==version}, or {@code name===version} when the version is not PEP
     * 440.
     */
    public static FreezeEntry pinned(String name, String version) {
        String operator = PythonVersion.parse(version).isLegacy() ? "===" : "==";
        return new FreezeEntry(name, version, name + operator + version);
    }

    /** The PEP 503 form of the name, the key packages are matched by. */
    public String canonicalName() {
        return PackageName.normalize(name);
    }

    /** True for an editable ({@code -e}) install. */
    public boolean editable() {
        return requirement.lines().anyMatch(line -> line.startsWith("-e "));
    }
}
