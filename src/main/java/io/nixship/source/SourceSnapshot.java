package io.nixship.source;

import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A project's files as they are in one commit, written to {@code directory}: the whole project
 * subtree (so the Nix file's relative imports work), its parsed config and lock, and which of the
 * files are the app's ({@code app.copy}). Paths in {@code files} and {@code appFiles} are
 * project-relative, sorted, with {@code /} separators. {@code remoteUrl} is free of credentials.
 */
public record SourceSnapshot(
        ResolvedCommit commit,
        Path directory,
        List<String> files,
        List<String> appFiles,
        Optional<String> remoteUrl,
        NixshipConfig config,
        Optional<NixpkgsLock> lock) {
    public SourceSnapshot {
        files = List.copyOf(files);
        appFiles = List.copyOf(appFiles);
    }

    public String commitId() {
        return commit.id();
    }

    public Instant commitTime() {
        return commit.time();
    }

    /** The Nix file ({@code nix.file}) inside {@link #directory()}. */
    public Path nixFile() {
        return directory.resolve(config.nix().file());
    }
}
