package io.nixship.cli;

import io.nixship.freeze.DiffFormat;
import io.nixship.freeze.Environment;
import io.nixship.freeze.FreezeDiff;
import io.nixship.freeze.FreezeDiffMarkdown;
import io.nixship.pipeline.freezediff.EnvironmentSources;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nixship diff OLD NEW}: which Python packages (and store paths) differ between two
 * environments.
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Shows which Python packages differ between two environments.",
            "Each side is an image (docker://HOST/REPO:TAG[@DIGEST] or HOST/REPO:TAG: manifest and config only),",
            "oci:DIR[:TAG], lock:PATH (the working tree built with that lock) or a commit (git:REF or a SHA/ref, built)."
        })
final class DiffCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "OLD", description = "The environment before.")
    String before;

    @Parameters(index = "1", paramLabel = "NEW", description = "The environment after.")
    String after;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text, markdown or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--exit-code", description = "Exit 1 when anything differs (for CI gates).")
    boolean exitCode;

    @Mixin EnvironmentOptions environment;

    DiffCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        DiffFormat diffFormat = DiffFormat.parse(format);
        EnvironmentSources sources = environment.sources(context, session);
        Environment old =
                session.group(
                        "nixship diff: " + before,
                        () -> sources.load(before, context.workingDir()));
        Environment now =
                session.group(
                        "nixship diff: " + after, () -> sources.load(after, context.workingDir()));
        FreezeDiff diff = Environment.compare(old, now);
        String markdown = FreezeDiffMarkdown.render(diff);
        FreezeDiffResults.write(
                session, "nixship diff: " + old.name() + " → " + now.name(), diff, markdown);
        String rendered = diffFormat == DiffFormat.MARKDOWN ? markdown : diffFormat.render(diff);
        session.result(rendered);
        return exitCode && diff.hasChanges() ? 1 : 0;
    }
}
