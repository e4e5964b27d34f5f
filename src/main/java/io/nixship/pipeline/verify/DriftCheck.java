package io.nixship.pipeline.verify;

import io.nixship.NixshipException;
import io.nixship.freeze.DeploymentFreeze;
import io.nixship.freeze.Environment;
import io.nixship.freeze.FreezeDiff;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.freezediff.DeployedImage;
import io.nixship.pipeline.freezediff.EnvironmentSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code nixship verify}: the developer's {@code nix-shell} (same lock) against an image and, when
 * asked, a running Deployment. Any difference is drift.
 */
public final class DriftCheck {
    private final EnvironmentSources sources;
    private final DeploymentFreeze deployments;
    private final Consumer<String> log;

    public DriftCheck(
            EnvironmentSources sources, DeploymentFreeze deployments, Consumer<String> log) {
        this.sources = sources;
        this.deployments = deployments;
        this.log = log;
    }

    /** The shell compared with one target. */
    public record Comparison(Environment target, FreezeDiff diff) {
        public boolean drifted() {
            return diff.hasChanges();
        }
    }

    /** The shell and every comparison, in the order checked. */
    public record Result(Environment shell, List<Comparison> comparisons) {
        public Result {
            comparisons = List.copyOf(comparisons);
        }

        public boolean drifted() {
            return comparisons.stream().anyMatch(Comparison::drifted);
        }
    }

    /**
     * @param image a side as {@code nixship diff} reads it; empty for the image the project's
     *     manifests reference (skipped, with a log line, when none is configured and a deployment
     *     is given)
     */
    public Result check(
            Path workingDir, Optional<String> image, Optional<DeploymentFreeze.Target> deployment) {
        Path project = sources.projectDirectory();
        Environment shell = sources.fromDevShell(project);
        List<Comparison> comparisons = new ArrayList<>();
        Optional<Environment> imageEnvironment = image.map(text -> sources.load(text, workingDir));
        if (imageEnvironment.isEmpty()) {
            Optional<ImageReference> deployed =
                    DeployedImage.find(sources.projectConfig(), project);
            if (deployed.isEmpty() && deployment.isEmpty()) {
                throw NixshipException.usage(
                        "no image to verify against: pass --image or --deployment, or configure"
                                + " 'image' and 'manifests' in .nixship.yaml");
            }
            deployed.ifPresentOrElse(
                    reference -> comparisons.add(compare(shell, sources.fromRegistry(reference))),
                    () ->
                            log.accept(
                                    "the manifests reference no image; checking the deployment only"));
        } else {
            comparisons.add(compare(shell, imageEnvironment.get()));
        }
        deployment.ifPresent(target -> comparisons.add(compare(shell, deployments.read(target))));
        return new Result(shell, comparisons);
    }

    private static Comparison compare(Environment shell, Environment target) {
        return new Comparison(target, Environment.compare(shell, target));
    }
}
