package io.nixship.cli;

import io.nixship.forge.ActionsOutput;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.SecretMasker;
import java.util.function.Supplier;

/**
 * One command's channel to people and to GitHub Actions: log lines on stderr (masked, never read as
 * workflow commands), groups, secrets to mask, step outputs and the job summary. Every command makes
 * one at its start, so a secret is registered before the first line that could show it.
 */
final class CommandSession {
  private final CliContext context;
  private final GitHubEnvironment github;
  private final ActionsOutput actions;

  CommandSession(CliContext context) {
    this.context = context;
    this.github = GitHubEnvironment.from(context.env());
    this.actions = ActionsOutput.forEnvironment(github, context.err(), new SecretMasker());
  }

  CliContext context() {
    return context;
  }

  GitHubEnvironment github() {
    return github;
  }

  ActionsOutput actions() {
    return actions;
  }

  void log(String line) {
    actions.log(line);
  }

  void addMask(String secret) {
    actions.addMask(secret);
  }

  <T> T group(String title, Supplier<T> work) {
    return actions.group(title, work);
  }

  /** Prints the command's result (stdout: for machines and pipes). */
  void result(String text) {
    context.out().println(actions.masker().mask(text));
    context.out().flush();
  }
}
