package io.nixship.cli;

import io.nixship.forge.ActionsOutput;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.SecretMasker;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an error that ends a command is shown: masked (the handler runs outside any command's session,
 * so it knows the secrets from the environment itself) and, in GitHub Actions, also as an error
 * annotation on the file and line a message starts with ({@code default.nix:12:5: ...},
 * {@code .nixship.yaml:3: ...}, {@code k8s/app.yaml:9: ...}), which puts it on the pull request diff.
 */
final class ErrorAnnotations {
  private static final Pattern LOCATED = Pattern.compile("^([^\\s:][^\\s:]*):(\\d{1,9})(?::\\d+)?: .*", Pattern.DOTALL);

  private final ActionsOutput actions;
  private final boolean inActions;

  ErrorAnnotations(CliContext context) {
    GitHubEnvironment github = GitHubEnvironment.from(context.env());
    SecretMasker masker = new SecretMasker();
    // Registered without ::add-mask:: lines: a command's session already printed them, and an error
    // raised before any session must not be the first to name the secret in the log.
    github.optionalToken().ifPresent(masker::register);
    ActionInputDefaults.input(context.env(), ActionInputDefaults.REGISTRY_PASSWORD).ifPresent(masker::register);
    this.inActions = github.inActions();
    this.actions = new ActionsOutput(
        inActions, null, null, context.err(), masker, () -> UUID.randomUUID().toString());
  }

  String mask(String text) {
    return actions.masker().mask(text);
  }

  /** In Actions, an {@code ::error::} annotation, located when the message starts with {@code path:line:}. */
  void annotate(String message) {
    if (!inActions || message == null) {
      return;
    }
    Matcher located = LOCATED.matcher(message);
    if (located.matches()) {
      actions.error(message, located.group(1), Integer.valueOf(located.group(2)));
    } else {
      actions.error(message, null, null);
    }
  }
}
