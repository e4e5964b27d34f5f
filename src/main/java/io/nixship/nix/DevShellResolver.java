package io.nixship.nix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Python environment a dev shell provides, for {@code nixship freeze --shell DIR}.
 *
 * <p>Rather than run a command inside {@code nix-shell} (a shell string), it evaluates the shell
 * derivation's inputs with a fixed expression ({@link #INPUTS_EXPRESSION}, taking the file path as
 * an {@code --argstr}), builds them with {@code nix-build}, and picks the input with {@code
 * bin/python3} whose {@code site-packages} holds the most distributions. The expression reads
 * {@code buildInputs}, {@code nativeBuildInputs}, {@code propagatedBuildInputs} and {@code
 * packages}, which is where {@code mkShell} keeps what it puts on PATH.
 */
public final class DevShellResolver {
    static final String INPUTS_EXPRESSION =
            """
      { file }:
      let
        imported = import (/. + file);
        shell = if builtins.isFunction imported then imported { } else imported;
        inputs = (shell.buildInputs or [ ]) ++ (shell.nativeBuildInputs or [ ])
          ++ (shell.propagatedBuildInputs or [ ]) ++ (shell.packages or [ ]);
      in builtins.filter (input: builtins.isAttrs input && input ? outPath) inputs
      """;

    private final NixCommands nix;

    public DevShellResolver(ProcessRunner runner, NixSettings settings) {
        this.nix = new NixCommands(runner, settings);
    }

    /**
     * The store path of the shell's Python environment. {@code environment} is what the shell is
     * evaluated with (normally empty: without {@code BUILD=1} the seed's file returns its shell).
     *
     * @throws NixException when the shell does not evaluate or build, or has no Python input
     */
    public String pythonEnvironment(
            Path shellFile, Map<String, String> environment, String nixpkgsPath) {
        Path file = shellFile.toAbsolutePath().normalize();
        List<String> args = new ArrayList<>();
        args.add("--no-out-link");
        args.add("-E");
        args.add(INPUTS_EXPRESSION);
        args.add("--argstr");
        args.add("file");
        args.add(file.toString());
        args.addAll(NixBuilder.pinning(nixpkgsPath));
        args.addAll(nix.settings().substituterOptions());
        Map<String, String> env = new java.util.LinkedHashMap<>(environment);
        env.put("NIX_PATH", "nixpkgs=" + nixpkgsPath);
        ProcessResult result = nix.run("nix-build", args, env, Optional.of(file.getParent()));
        if (result.exitCode() != 0) {
            List<String> tail = result.stderrTail();
            Optional<DownloadFailure> download = DownloadFailure.in(tail);
            if (download.isPresent()) {
                throw new NixException(
                        NixFailureKind.FETCH_FAILED,
                        download.get().describe(file.toString()),
                        tail);
            }
            if (NixOutput.isBuildFailure(tail)) {
                String what = NixOutput.firstBuildError(tail).orElse("a builder failed");
                throw new NixException(
                        NixFailureKind.BUILD,
                        file + ": the dev shell failed to build (" + what + ")",
                        tail);
            }
            NixOutput.EvaluationError error = NixOutput.evaluationError(tail, file.getParent(), "");
            throw new NixException(
                    NixFailureKind.EVALUATION,
                    error.location().orElse(file.toString())
                            + ": cannot evaluate the dev shell: "
                            + error.message(),
                    tail);
        }
        List<String> inputs =
                result.stdout().lines().map(String::trim).filter(l -> l.startsWith("/")).toList();
        return inputs.stream()
                .filter(path -> Files.isExecutable(Path.of(path, "bin", "python3")))
                .max(Comparator.comparingInt(DevShellResolver::distributionCount))
                .orElseThrow(
                        () ->
                                new NixException(
                                        NixFailureKind.NOT_A_DERIVATION,
                                        file
                                                + ": the dev shell has no input with bin/python3 (looked at "
                                                + inputs.size()
                                                + " inputs)",
                                        List.of()));
    }

    /**
     * How many {@code *.dist-info}/{@code *.egg-info} a path's {@code lib/python3.*}/site-packages
     * holds.
     */
    private static int distributionCount(String storePath) {
        int count = 0;
        Path lib = Path.of(storePath, "lib");
        try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
            for (Path python : pythons) {
                Path site = python.resolve("site-packages");
                if (Files.isDirectory(site)) {
                    try (DirectoryStream<Path> dists =
                            Files.newDirectoryStream(site, "*.{dist-info,egg-info}")) {
                        for (Path ignored : dists) {
                            count++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            return count;
        }
        return count;
    }
}
