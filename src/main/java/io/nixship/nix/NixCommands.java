package io.nixship.nix;

import io.nixship.config.DurationText;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs one Nix program with the settings' binaries, environment, timeout and log. */
public final class NixCommands {
    private final ProcessRunner runner;
    private final NixSettings settings;

    public NixCommands(ProcessRunner runner, NixSettings settings) {
        this.runner = runner;
        this.settings = settings;
    }

    NixSettings settings() {
        return settings;
    }

    /** Runs {@code program args...}; timeouts and a missing Nix become {@link NixException}s. */
    public ProcessResult run(
            String program,
            List<String> args,
            Map<String, String> extraEnvironment,
            Optional<Path> directory) {
        return run(program, args, extraEnvironment, directory, settings.log());
    }

    /**
     * Like {@link #run(String, List)} but keeps stderr out of the log: for probes whose failure is
     * an answer.
     */
    ProcessResult runQuietly(String program, List<String> args) {
        return run(program, args, Map.of(), Optional.empty(), line -> {});
    }

    private ProcessResult run(
            String program,
            List<String> args,
            Map<String, String> extraEnvironment,
            Optional<Path> directory,
            java.util.function.Consumer<String> log) {
        List<String> argv = settings.argv(program, args);
        ProcessResult result;
        Optional<String> lastActivity;
        try (QuietNotices quiet =
                QuietNotices.start(
                        program,
                        initialActivity(program, args),
                        settings.quietNotice(),
                        settings.timeout(),
                        log,
                        settings.log())) {
            ProcessSpec spec =
                    new ProcessSpec(
                            argv,
                            settings.childEnvironment(extraEnvironment),
                            directory,
                            settings.timeout(),
                            quiet::line,
                            NixSettings.TAIL_LINES);
            result = runner.run(spec);
            lastActivity = quiet.activity();
        } catch (ProgramNotFoundException e) {
            throw new NixException(NixFailureKind.NOT_INSTALLED, notInstalled(program), List.of());
        }
        if (result.timedOut()) {
            throw new NixException(
                    NixFailureKind.TIMEOUT,
                    program
                            + " was stopped at its time limit of "
                            + DurationText.format(settings.timeout())
                            + lastActivity.map(doing -> " while " + doing).orElse("")
                            + "; raise nix.timeout in .nixship.yaml if it needs longer",
                    result.stderrTail());
        }
        if (!result.succeeded()) {
            Optional<String> setup = NixSetup.diagnose(result.stderrTail(), settings);
            if (setup.isPresent()) {
                throw new NixException(NixFailureKind.SETUP, setup.get(), result.stderrTail());
            }
        }
        return result;
    }

    private String notInstalled(String program) {
        return settings.binDirectory()
                .map(
                        dir ->
                                program
                                        + " not found in "
                                        + dir
                                        + " (NIXSHIP_NIX_BIN): point NIXSHIP_NIX_BIN at the"
                                        + " directory holding Nix's programs, or unset it to use PATH")
                .orElse(
                        program
                                + " not found on PATH: install Nix (Debian and Ubuntu: apt-get install nix-bin;"
                                + " elsewhere https://nixos.org/download) and put its bin directory on PATH");
    }

    /**
     * What a command does before it prints anything: a download names its URL as the last argument.
     */
    private static Optional<String> initialActivity(String program, List<String> args) {
        return program.equals("nix-prefetch-url") && !args.isEmpty()
                ? Optional.of("downloading '" + args.get(args.size() - 1) + "'")
                : Optional.empty();
    }

    ProcessResult run(String program, List<String> args) {
        return run(program, args, Map.of(), Optional.empty());
    }

    /**
     * Fails unless it exited 0; the exception keeps the last output lines, the log has them all.
     */
    public ProcessResult runChecked(String program, List<String> args) {
        ProcessResult result = run(program, args);
        if (!result.succeeded()) {
            throw new NixException(
                    NixFailureKind.OTHER,
                    program + " failed with exit code " + result.exitCode(),
                    result.stderrTail());
        }
        return result;
    }
}
