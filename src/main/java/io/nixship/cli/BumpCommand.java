package io.nixship.cli;

import io.nixship.manifest.FileEdit;
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

/** {@code nixship bump}: points manifests at a new image in place and prints the unified diff. */
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

    @Option(names = "--check", description = "Change nothing; exit 1 if anything would change.")
    boolean check;

    private final CliContext context;

    BumpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ManifestBumper bumper = new ManifestBumper(new LocalManifestFiles(context.workingDir()));
        List<FileEdit> edits =
                bumper.plan(
                        ImageReference.parse(image),
                        manifests.stream().map(ManifestSpec::parse).toList(),
                        PinStyle.parse(pin));
        new CommandSession(context).print(UnifiedDiff.render(edits));
        if (check) {
            return ManifestBumper.wouldChange(edits) ? 1 : 0;
        }
        bumper.apply(edits);
        return 0;
    }
}
