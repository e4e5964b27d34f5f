package io.nixship.nix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code nix-build} on a project's Nix file with {@code <nixpkgs>} pinned to the locked store
 * path, and sorts its failures into evaluation errors (with {@code file:line}), non-derivations,
 * build failures (naming the failed derivation), timeouts and a missing Nix.
 */
public final class NixBuilder {
    private final NixCommands nix;

    public NixBuilder(ProcessRunner runner, NixSettings settings) {
        this.nix = new NixCommands(runner, settings);
    }

    /**
     * Builds the request's file and returns its single output path.
     *
     * @throws NixException {@link NixFailureKind#EVALUATION}, {@link
     *     NixFailureKind#NOT_A_DERIVATION}, {@link NixFailureKind#BUILD}, {@link
     *     NixFailureKind#TIMEOUT} or {@link NixFailureKind#NOT_INSTALLED}
     */
    public BuildResult build(BuildRequest request) {
        Path file =
                request.sourceDirectory().resolve(request.nixFile()).toAbsolutePath().normalize();
        String shown = shown(request);
        if (!Files.isRegularFile(file)) {
            throw new NixException(
                    NixFailureKind.EVALUATION, shown + ": file not found", List.of());
        }
        List<String> args = new ArrayList<>();
        args.add(file.toString());
        args.add("--out-link");
        args.add(request.outLink().toAbsolutePath().toString());
        args.addAll(pinning(request.nixpkgsPath()));
        args.addAll(nix.settings().substituterOptions());
        nix.settings().user().ifPresent(user -> giveOutLinkDirectory(request.outLink(), user));
        Map<String, String> env = new LinkedHashMap<>(request.environment());
        env.put("NIX_PATH", "nixpkgs=" + request.nixpkgsPath());
        ProcessResult result =
                nix.run("nix-build", args, env, Optional.of(request.sourceDirectory()));
        List<String> tail = result.stderrTail();
        if (result.exitCode() != 0) {
            Optional<DownloadFailure> download = DownloadFailure.in(tail);
            if (download.isPresent()) {
                // Before the build and evaluation checks: a failed fetch shows as either, and is
                // neither.
                throw new NixException(
                        NixFailureKind.FETCH_FAILED, download.get().describe(shown), tail);
            }
            if (NixOutput.isBuildFailure(tail)) {
                String what = NixOutput.firstBuildError(tail).orElse("a builder failed");
                throw new NixException(
                        NixFailureKind.BUILD, shown + ": the build failed (" + what + ")", tail);
            }
            if (NixOutput.isNotADerivation(tail)) {
                throw notADerivation(shown, tail);
            }
            NixOutput.EvaluationError error =
                    NixOutput.evaluationError(
                            tail, request.sourceDirectory(), request.displayDirectory());
            throw new NixException(
                    NixFailureKind.EVALUATION,
                    error.location().orElse(shown)
                            + ": Nix evaluation failed: "
                            + error.message()
                            + " (with "
                            + describe(request.environment())
                            + ")",
                    tail);
        }
        List<String> outPaths =
                result.stdout().lines().map(String::trim).filter(l -> l.startsWith("/")).toList();
        if (outPaths.size() != 1) {
            throw notADerivation(shown + " (" + outPaths.size() + " outputs)", tail);
        }
        return new BuildResult(outPaths.get(0), request.outLink());
    }

    /** {@code -I nixpkgs=PATH}: takes precedence over any NIX_PATH entry and over channels. */
    static List<String> pinning(String nixpkgsPath) {
        return List.of("-I", "nixpkgs=" + nixpkgsPath);
    }

    /**
     * Nix, run as another user, writes the out-link (its GC root) itself: the directory holding it
     * becomes that user's. The snapshot below it stays nixship's, readable by all.
     */
    private static void giveOutLinkDirectory(Path outLink, NixUser user) {
        Path directory = outLink.toAbsolutePath().getParent();
        try {
            Files.setOwner(
                    directory,
                    directory
                            .getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByName(user.name()));
        } catch (IOException e) {
            throw new NixException(
                    NixFailureKind.SETUP,
                    "cannot give "
                            + directory
                            + " to "
                            + NixUser.VARIABLE
                            + "="
                            + user.name()
                            + " for nix-build's out-link: "
                            + e.getMessage(),
                    List.of());
        }
    }

    private static NixException notADerivation(String shown, List<String> tail) {
        return new NixException(
                NixFailureKind.NOT_A_DERIVATION,
                shown
                        + ": does not evaluate to exactly one derivation; with BUILD=1 it must return the"
                        + " environment to ship (e.g. python312.withPackages ...)",
                tail);
    }

    private static String shown(BuildRequest request) {
        return request.displayDirectory().isEmpty()
                ? request.nixFile()
                : request.displayDirectory() + "/" + request.nixFile();
    }

    private static String describe(Map<String, String> environment) {
        if (environment.isEmpty()) {
            return "no extra environment";
        }
        List<String> pairs = new ArrayList<>();
        environment.forEach((name, value) -> pairs.add(name + "=" + value));
        return String.join(" ", pairs);
    }
}
