package io.nixship.manifest;

import java.nio.file.Path;
import java.util.List;

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
}
