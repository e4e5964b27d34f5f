package io.nixship.cli;

import io.nixship.manifest.BumpPlan;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.LocalManifestFiles;
import io.nixship.manifest.ManifestBumper;
import io.nixship.manifest.ManifestSpec;
import io.nixship.manifest.PinStyle;
import io.nixship.manifest.UnifiedDiff;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nixship bump}: points manifests at a new image in place and prints the unified diff (or
 * JSON); what was found per file goes to stderr. Exit 0 when nothing had to change (or it was
 * changed), 1 under {@code --check} when something would change, 2 for options, configuration, a
 * manifest that cannot be read or a reference that cannot be moved in place (nothing written).
 */
@Command(
        name = "bump",
        mixinStandardHelpOptions = true,
        description = "Point Kubernetes manifests at a new image (in place) and print the diff.")
final class BumpCommand implements Callable<Integer> {
    @Option(
            names = "--image",
            required = true,
            paramLabel = "REF",
            description = "New image reference, with tag and digest: registry/name:tag@sha256:...")
    String image;

    @Option(
            names = "--manifests",
            required = true,
            split = ",",
            paramLabel = "PATHS",
            description =
                    "Files, directories or globs; prefix helm:, kustomize: or k8s: to choose how one is read.")
    List<String> manifests;

    @Option(
            names = "--pin",
            defaultValue = "tag@digest",
            paramLabel = "STYLE",
            description = "tag, digest or tag@digest (default: ${DEFAULT-VALUE}).")
    String pin;

    @Option(
            names = "--check",
            description = "Change nothing; exit 1 if anything would change, 0 if nothing would.")
    boolean check;

    @Option(
            names = "--json",
            description =
                    "Print the result as JSON: each reference found, moved or not, and the diff.")
    boolean json;

    private final CliContext context;

    BumpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ImageReference target = ImageReference.parse(image);
        ManifestBumper bumper = new ManifestBumper(new LocalManifestFiles(context.workingDir()));
        BumpPlan plan =
                bumper.survey(
                        target,
                        manifests.stream().map(ManifestSpec::parse).toList(),
                        PinStyle.parse(pin));
        BumpReport report = new BumpReport(target, plan, check);
        report.notes().forEach(context.err()::println);
        context.err().flush();
        String diff = UnifiedDiff.render(plan.edits());
        if (json) {
            new CommandSession(context).print(report.json(diff) + "\n");
        }
        plan.requireEveryReferenceMovable();
        if (!json) {
            new CommandSession(context).print(diff);
        }
        if (check) {
            return plan.wouldChange() ? 1 : 0;
        }
        bumper.apply(plan.edits());
        return 0;
    }
}
