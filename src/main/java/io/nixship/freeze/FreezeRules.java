package io.nixship.freeze;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The pip and Python versions that decide what {@code pip freeze} leaves out and how it identifies
 * packages, read from pip's {@code commands/freeze.py} and {@code metadata/importlib}:
 *
 * <ul>
 *   <li>pip before 23.2 always skips {@code pip, setuptools, distribute, wheel, pkg-resources};
 *   <li>pip 23.2 and later skips {@code pip}, plus {@code setuptools, distribute, wheel} only on
 *       Python before 3.12 ({@code _should_suppress_build_backends});
 *   <li>{@code python, wsgiref, argparse} (pip's {@code stdlib_pkgs}) are always skipped;
 *   <li>pip 24.1 and later takes a {@code .dist-info} directory's name and version from the
 *       directory name ({@code parse_name_and_version_from_info_directory}); earlier pips read the
 *       metadata.
 * </ul>
 *
 * @param pipVersion the version of the pip that would run, e.g. {@code 23.0.1}
 * @param pythonVersion the interpreter's {@code major.minor}, e.g. {@code 3.11}
 */
public record FreezeRules(String pipVersion, String pythonVersion) {
    /** The newest pip this code was checked against; used when the environment has no pip. */
    public static final String CURRENT_PIP = "24.2";

    private static final PythonVersion PIP_23_2 = PythonVersion.parse("23.2");
    private static final PythonVersion PIP_24_1 = PythonVersion.parse("24.1");
    private static final PythonVersion PYTHON_3_12 = PythonVersion.parse("3.12");

    /** Rules of current pip on the given Python. */
    public static FreezeRules currentPip(String pythonVersion) {
        return new FreezeRules(CURRENT_PIP, pythonVersion);
    }

    /** PEP 503 names pip freeze leaves out unless given {@code --all}. */
    public Set<String> skipped() {
        Set<String> skip = new LinkedHashSet<>(Set.of("python", "wsgiref", "argparse"));
        skip.add("pip");
        if (pip().compareTo(PIP_23_2) < 0) {
            skip.addAll(Set.of("setuptools", "distribute", "wheel", "pkg-resources"));
        } else if (PythonVersion.parse(pythonVersion).compareTo(PYTHON_3_12) < 0) {
            skip.addAll(Set.of("setuptools", "distribute", "wheel"));
        }
        return Set.copyOf(skip);
    }

    /**
     * Whether a {@code name-version.dist-info} directory's name wins over its metadata for identity
     * and version.
     */
    public boolean namesFromInfoDirectory() {
        return pip().compareTo(PIP_24_1) >= 0;
    }

    private PythonVersion pip() {
        return PythonVersion.parse(pipVersion);
    }
}
