package io.nixship.freeze;

import io.nixship.NixshipException;
import io.nixship.nix.ProcessResult;
import io.nixship.nix.ProcessRunner;
import io.nixship.nix.ProcessSpec;
import io.nixship.nix.ProgramNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The freeze of a running Deployment: {@code kubectl exec deploy/NAME -- python3 -m pip freeze},
 * argv only. The kubectl program is {@code $NIXSHIP_KUBECTL} when set, else {@code kubectl} on the
 * PATH.
 */
public final class DeploymentFreeze {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ProcessRunner processes;
    private final Map<String, String> environment;
    private final Consumer<String> log;

    public DeploymentFreeze(
            ProcessRunner processes, Map<String, String> environment, Consumer<String> log) {
        this.processes = processes;
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /** Which Deployment, in which namespace and kubeconfig context (empty: kubectl's defaults). */
    public record Target(String deployment, Optional<String> namespace, Optional<String> context) {
        public Target {
            check("--deployment", deployment);
            namespace.ifPresent(value -> check("--namespace", value));
            context.ifPresent(
                    value -> {
                        if (value.isBlank() || value.startsWith("-")) {
                            throw NixshipException.usage(
                                    "--context '" + value + "' is not a kubeconfig context name");
                        }
                    });
        }

        private static void check(String option, String value) {
            if (!NAME.matcher(value).matches()) {
                throw NixshipException.usage(
                        option
                                + " '"
                                + value
                                + "' is not a Kubernetes name (lowercase letters, digits, '-' and '.')");
            }
        }

        public String name() {
            return "deploy/" + deployment + namespace.map(ns -> " in " + ns).orElse("");
        }
    }

    public Environment read(Target target) {
        List<String> argv = new ArrayList<>();
        argv.add(
                Optional.ofNullable(environment.get("NIXSHIP_KUBECTL"))
                        .filter(v -> !v.isBlank())
                        .orElse("kubectl"));
        target.context().ifPresent(context -> argv.addAll(List.of("--context", context)));
        target.namespace().ifPresent(namespace -> argv.addAll(List.of("--namespace", namespace)));
        argv.addAll(
                List.of(
                        "exec",
                        "deploy/" + target.deployment(),
                        "--",
                        "python3",
                        "-m",
                        "pip",
                        "freeze"));
        log.accept("running kubectl exec " + target.name() + " -- python3 -m pip freeze");
        ProcessResult result;
        try {
            result =
                    processes.run(
                            new ProcessSpec(argv, environment, Optional.empty(), TIMEOUT, log, 20));
        } catch (ProgramNotFoundException e) {
            throw NixshipException.usage(
                    argv.get(0) + " not found: install kubectl or set NIXSHIP_KUBECTL to its path");
        }
        if (!result.succeeded()) {
            throw NixshipException.failure(
                    "kubectl exec "
                            + target.name()
                            + " failed"
                            + (result.timedOut()
                                    ? " (timed out)"
                                    : " with exit code " + result.exitCode())
                            + (result.stderrTail().isEmpty()
                                    ? ""
                                    : ": " + String.join(" | ", result.stderrTail())));
        }
        return new Environment(
                target.name(), Freeze.parse(result.stdout()), Optional.empty(), Optional.empty());
    }
}
