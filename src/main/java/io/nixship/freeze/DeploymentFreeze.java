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
 * argv only.
 */
public final class DeploymentFreeze {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ProcessRunner processes;
    private final Kubectl kubectl;
    private final Consumer<String> log;

    public DeploymentFreeze(ProcessRunner processes, Kubectl kubectl, Consumer<String> log) {
        this.processes = processes;
        this.kubectl = kubectl;
        this.log = log;
    }

    /**
     * The kubectl to run ({@code $NIXSHIP_KUBECTL}, else {@code kubectl} on the PATH) and the whole
     * host environment it runs in: kubeconfig and cloud credential plugins read variables of their
     * own.
     */
    public record Kubectl(String program, Map<String, String> environment) {
        public Kubectl {
            environment = Map.copyOf(environment);
        }

        /** Never prints the environment, which holds tokens. */
        @Override
        public String toString() {
            return "Kubectl[program=" + program + "]";
        }
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
        argv.add(kubectl.program());
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
                            new ProcessSpec(
                                    argv,
                                    kubectl.environment(),
                                    Optional.empty(),
                                    TIMEOUT,
                                    log,
                                    20));
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
