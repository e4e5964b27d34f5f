package io.nixship.cli;

import io.nixship.freeze.Freeze;
import io.nixship.image.OciLayoutReader;
import io.nixship.pipeline.freezediff.FreezeSources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nixship freeze}: the {@code pip freeze} of an image or of a dev shell, without running
 * Python.
 */
@Command(
        name = "freeze",
        mixinStandardHelpOptions = true,
        description =
                "Prints the pip freeze recorded in an image, or of a project's dev shell (nix-shell).")
final class FreezeCommand implements Callable<Integer> {
    private final CliContext context;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(
                names = "--image",
                paramLabel = "oci:DIR[:TAG]",
                description = "An image in an OCI layout.")
        String image;

        @Option(
                names = "--shell",
                paramLabel = "DIR",
                description = "A project whose dev shell (nix-shell, same lock) to read.")
        Path shell;
    }

    FreezeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        FreezeSources sources = UseCases.from(context, session).freezes();
        Freeze freeze =
                source.shell != null
                        ? sources.fromDevShell(
                                context.workingDir().resolve(source.shell).normalize())
                        : sources.fromLayout(
                                OciLayoutReader.parseReference(
                                        stripTransport(source.image), context.workingDir()));
        session.print(freeze.render());
        return 0;
    }

    private static String stripTransport(String image) {
        return image.startsWith("oci:") ? image.substring("oci:".length()) : image;
    }
}
