package io.nixship.nix.channel;

import io.nixship.config.NixpkgsLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code nixship lock}: creates or refreshes a project's {@code nixship.lock} on disk. The file is
 * rewritten (atomically) only when the pin moved, so an unchanged channel leaves it byte-identical.
 */
public final class LockRefresher {
    private final NixpkgsPinner pinner;

    public LockRefresher(NixpkgsPinner pinner) {
        this.pinner = pinner;
    }

    /**
     * Pins {@code channel} (or the lock's own) or, with a workstation, what its {@code <nixpkgs>}
     * is.
     */
    public LockUpdate refresh(
            Path projectDirectory,
            Optional<String> channel,
            Optional<WorkstationNixpkgs> workstation) {
        Path file = projectDirectory.resolve(NixpkgsLock.FILE_NAME);
        Optional<NixpkgsLock> current =
                Files.isRegularFile(file) ? Optional.of(NixpkgsLock.read(file)) : Optional.empty();
        LockUpdate update =
                workstation.isPresent()
                        ? pinner.pinWorkstation(current, channel, workstation.get())
                        : pinner.pin(current, channel);
        if (update.changed()) {
            update.lock().write(file);
        }
        return update;
    }
}
