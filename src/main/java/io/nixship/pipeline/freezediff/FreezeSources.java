package io.nixship.pipeline.freezediff;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.freeze.Environment;
import io.nixship.freeze.Freeze;
import io.nixship.freeze.FreezeReader;
import io.nixship.freeze.RootedFileTree;
import io.nixship.image.OciLayoutReader;
import io.nixship.nix.DevShellResolver;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.NixpkgsSource;
import io.nixship.nix.ProcessRunner;
import io.nixship.pipeline.port.HostSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a freeze comes from, at the edges: the label of a built image, or a project's dev shell
 * (the developer's {@code nix-shell}, with the same lock), read from metadata without running
 * Python.
 */
public final class FreezeSources {
    private final ProcessRunner processes;
    private final HostSettings host;

    public FreezeSources(ProcessRunner processes, HostSettings host) {
        this.processes = processes;
        this.host = host;
    }

    /** The freeze of the image in an OCI layout ({@code DIR[:TAG]}). */
    public Freeze fromLayout(OciLayoutReader.LayoutReference reference) {
        JsonNode config =
                new OciLayoutReader().read(reference.directory(), reference.tag()).config();
        return Environment.freezeOfImage(config, "oci:" + reference.directory());
    }

    /**
     * The freeze of the dev shell of the project in {@code projectDirectory} as it is on disk (what
     * {@code nix-shell} there gives the developer), evaluated against the project's lock.
     */
    public Freeze fromDevShell(Path projectDirectory) {
        NixshipConfig config = NixshipConfig.readProject(projectDirectory, host.githubRepository());
        Path lockFile = projectDirectory.resolve(NixpkgsLock.FILE_NAME);
        if (!Files.isRegularFile(lockFile)) {
            throw NixshipException.usage(
                    lockFile + " not found: pin nixpkgs with 'nixship lock' first");
        }
        NixpkgsLock lock = NixpkgsLock.read(lockFile);
        NixSettings nix = config.nix().timeout().map(host.nix()::withTimeout).orElse(host.nix());
        NixpkgsSource nixpkgs =
                new NixpkgsFetcher(processes, nix)
                        .fetch(lock, lock.resolveUrl(projectDirectory), lockFile.toString());
        Path shellFile = projectDirectory.resolve(config.nix().file());
        if (!Files.isRegularFile(shellFile)) {
            throw NixshipException.usage(
                    shellFile + " not found (set nix.file in " + NixshipConfig.FILE_NAME + ")");
        }
        String env =
                new DevShellResolver(processes, nix)
                        .pythonEnvironment(shellFile, Map.of(), nixpkgs.storePath());
        return new FreezeReader(new RootedFileTree(Path.of("/"))).read(env);
    }
}
