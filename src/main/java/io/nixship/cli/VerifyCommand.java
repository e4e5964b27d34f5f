package io.nixship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import io.nixship.freeze.DeploymentFreeze;
import io.nixship.freeze.DiffFormat;
import io.nixship.freeze.FreezeDiffJson;
import io.nixship.freeze.FreezeDiffMarkdown;
import io.nixship.pipeline.verify.DriftCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nixship verify}: does the developer's nix-shell match what is built and deployed? */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Compares the pip freeze of the project's nix-shell (same lock) with an image and, with --deployment,",
            "a running Deployment (kubectl exec ... python3 -m pip freeze). Exits 1 and prints the diff on any drift."
        })
final class VerifyCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = "--image",
            paramLabel = "IMAGE",
            description =
                    "HOST/REPO:TAG[@DIGEST], docker://..., oci:DIR[:TAG] (default: the image the manifests reference).")
    String image;

    @Option(
            names = "--deployment",
            paramLabel = "NAME",
            description = "Also compare with this running Deployment.")
    String deployment;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "The Deployment's namespace (default: kubectl's).")
    String namespace;

    @Option(
            names = "--context",
            paramLabel = "CONTEXT",
            description = "The kubeconfig context (default: kubectl's).")
    String kubeContext;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text, markdown or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin EnvironmentOptions environment;

    VerifyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        DiffFormat diffFormat = DiffFormat.parse(format);
        Optional<DeploymentFreeze.Target> target =
                Optional.ofNullable(deployment)
                        .map(
                                name ->
                                        new DeploymentFreeze.Target(
                                                name,
                                                Optional.ofNullable(namespace),
                                                Optional.ofNullable(kubeContext)));
        DriftCheck check =
                UseCases.from(context, session).driftCheck(environment.sources(context, session));
        DriftCheck.Result result =
                session.group(
                        "nixship verify",
                        () ->
                                check.check(
                                        context.workingDir(), Optional.ofNullable(image), target));
        StringBuilder text = new StringBuilder();
        StringBuilder allMarkdown = new StringBuilder();
        List<Drift> json = new ArrayList<>();
        for (DriftCheck.Comparison comparison : result.comparisons()) {
            String heading =
                    result.shell().name() + " (-) vs " + comparison.target().name() + " (+)";
            String markdown = FreezeDiffMarkdown.render(comparison.diff());
            FreezeDiffResults.summary(session, "nixship verify: " + heading, markdown);
            allMarkdown.append("### ").append(heading).append("\n\n").append(markdown).append('\n');
            json.add(
                    new Drift(
                            result.shell().name(),
                            comparison.target().name(),
                            comparison.drifted(),
                            FreezeDiffJson.tree(comparison.diff())));
            text.append(comparison.drifted() ? "drift: " : "match: ").append(heading).append('\n');
            if (comparison.drifted()) {
                text.append(
                        diffFormat == DiffFormat.MARKDOWN
                                ? markdown
                                : DiffFormat.TEXT.render(comparison.diff()));
            }
        }
        FreezeDiffResults.outputs(session, result.drifted(), allMarkdown.toString());
        session.print(
                diffFormat == DiffFormat.JSON ? Json.defaultPretty(json) + "\n" : text.toString());
        return result.drifted() ? 1 : 0;
    }

    /** One comparison in {@code --format json}. */
    record Drift(String shell, String target, boolean drift, JsonNode diff) {}
}
