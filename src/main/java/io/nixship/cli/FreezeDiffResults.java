package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.freeze.FreezeDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The step outputs and summary of commands that compare environments ({@code diff}, {@code comment},
 * {@code verify}): {@code changed}, and {@code diff-markdown-file} naming a file under
 * {@code RUNNER_TEMP} (else the system temp directory) that holds the markdown, for later steps.
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
    session.actions().setOutput("diff-markdown-file", markdownFile(session, markdown).toString());
  }

  private static Path markdownFile(CommandSession session, String markdown) {
    Path runnerTemp = session.github().runnerTemp();
    try {
      Path directory = runnerTemp != null ? runnerTemp : Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(directory);
      Path file = Files.createTempFile(directory, "nixship-diff-", ".md");
      Files.writeString(file, session.actions().masker().mask(markdown), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw NixshipException.failure("cannot write the diff markdown file: " + e.getMessage(), e);
    }
  }
}
