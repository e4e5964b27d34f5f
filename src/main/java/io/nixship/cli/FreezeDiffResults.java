package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.freeze.FreezeDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The step outputs and summary of commands that compare environments ({@code diff}, {@code
 * comment}, {@code verify}): {@code changed}, and {@code diff-markdown-file} naming a file that
 * holds the markdown, for later steps. In Actions the file is under {@code
 * GITHUB_WORKSPACE/.nixship/} and the output is its path relative to the workspace: a container
 * action sees the workspace at {@code /github/workspace} and the runner at another path, and {@code
 * RUNNER_TEMP} is not mounted into the container at all, so only a workspace-relative path reaches
 * a later step. Elsewhere the file is under {@code RUNNER_TEMP} (else the system temp directory),
 * named by its absolute path.
 */
final class FreezeDiffResults {
    private FreezeDiffResults() {}

    static void write(CommandSession session, String heading, FreezeDiff diff, String markdown) {
        summary(session, heading, markdown);
        outputs(session, diff.hasChanges(), markdown);
    }

    static void summary(CommandSession session, String heading, String markdown) {
        session.actions().appendSummary("### " + heading + "\n\n" + markdown);
    }

    static void outputs(CommandSession session, boolean changed, String markdown) {
        if (session.github().outputFile() == null) {
            return;
        }
        session.actions().setOutput("changed", Boolean.toString(changed));
        Path workspace = session.github().workspace();
        Path file = markdownFile(session, markdown);
        session.actions()
                .setOutput(
                        "diff-markdown-file",
                        (workspace != null ? workspace.relativize(file) : file).toString());
    }

    private static Path markdownFile(CommandSession session, String markdown) {
        Path workspace = session.github().workspace();
        Path runnerTemp = session.github().runnerTemp();
        Path directory =
                workspace != null
                        ? workspace.resolve(".nixship")
                        : runnerTemp != null
                                ? runnerTemp
                                : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(directory);
            Path file = Files.createTempFile(directory, "nixship-diff-", ".md");
            Files.writeString(
                    file, session.actions().masker().mask(markdown), StandardCharsets.UTF_8);
            // The action runs as root; the runner's own user reads the file in later steps.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            return file;
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot write the diff markdown file in " + directory + ": " + e.getMessage(),
                    e);
        }
    }
}
