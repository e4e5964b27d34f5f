package io.nixship.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which project, at which commit: shared by every command that reads a project from git. */
final class ProjectOptions {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description =
                    "The project directory inside a git work tree (default: the current directory).")
    Path directory;

    @Option(
            names = "--commit",
            paramLabel = "REF",
            defaultValue = "HEAD",
            description =
                    "The commit to read the project from: a SHA, branch or tag (default: ${DEFAULT-VALUE}). "
                            + "Uncommitted edits are never used.")
    String commit;

    Path directory(CliContext context) {
        return directory == null
                ? context.workingDir()
                : context.workingDir().resolve(directory).normalize();
    }
}
