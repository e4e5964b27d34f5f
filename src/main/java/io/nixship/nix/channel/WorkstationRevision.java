package io.nixship.nix.channel;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The nixpkgs the local {@code <nixpkgs>} points at.
 *
 * @param nixpkgsDir the directory {@code <nixpkgs>} resolves to
 * @param revision the commit: full from {@code .git-revision}, abbreviated from {@code
 *     svn-revision} or {@code lib.version}
 * @param version the nixpkgs version with its release suffix, e.g. {@code 24.05.7376.b134951a4c9f},
 *     when the directory says
 * @param source which file or expression the revision came from, for messages
 */
public record WorkstationRevision(
        Path nixpkgsDir, String revision, Optional<String> version, String source) {}
