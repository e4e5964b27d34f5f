package io.nixship.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The file access a bump needs, kept small so the bumper's logic can run over anything. */
public interface ManifestFiles {
    /**
     * The files a manifests entry names: the file itself, the *.yaml and *.yml files under a
     * directory, or the files a glob matches; sorted. Throws a usage error if it names none.
     */
    List<Path> expand(String pattern);

    byte[] read(Path file);

    /** Replaces the file's content so readers see the old bytes or the new, never a mix. */
    void writeAtomically(Path file, byte[] content);

    /** Whether a directory's file is a manifest candidate: {@code *.yaml} or {@code *.yml}. */
    static boolean isYaml(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /**
     * Where a manifests entry's glob part starts, or -1 when it names a plain file or directory.
     */
    static int firstGlobCharacter(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if ("*?[{".indexOf(pattern.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
