package io.nixship.cli;

import io.nixship.forge.ActionsOutput;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.SecretMasker;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an error that ends a command is shown: masked (the handler runs outside any command's
 * session, so it knows the secrets from the environment itself) and, in GitHub Actions, also as an
 * error annotation on the file and line a message starts with ({@code default.nix:12:5: ...},
 * {@code .nixship.yaml:3: ...}, {@code k8s/app.yaml:9: ...}), which puts it on the pull request
 * diff.
 */
final class ErrorAnnotations {
    private static final Pattern LOCATED =
            Pattern.compile("^([^\\s:][^\\s:]*):(\\d{1,9})(?::\\d+)?: .*", Pattern.DOTALL);

    private final ActionsOutput actions;
    private final boolean inActions;
    private final Path workingDir;
    private final Optional<Path> projectDir;

    ErrorAnnotations(CliContext context) {
        GitHubEnvironment github = context.host().github();
        SecretMasker masker = new SecretMasker();
        // Registered without ::add-mask:: lines: a command's session already printed them, and an
        // error
        // raised before any session must not be the first line to name the secret in the log.
        github.optionalToken().ifPresent(masker::register);
        context.host()
                .actionInput(ActionInputDefaults.REGISTRY_PASSWORD)
                .ifPresent(masker::register);
        this.inActions = github.inActions();
        this.actions =
                new ActionsOutput(
                        inActions,
                        null,
                        null,
                        context.err(),
                        masker,
                        () -> UUID.randomUUID().toString());
        this.workingDir = context.workingDir();
        this.projectDir =
                context.host()
                        .actionInput(ActionInputDefaults.CONFIG)
                        .map(config -> Path.of(config).getParent());
    }

    /**
     * Prints error text, masked; in Actions as data, never as a workflow command, since it quotes
     * user input (refs, paths, option values).
     */
    void log(String text) {
        actions.log(text);
    }

    /**
     * In Actions, an {@code ::error::} annotation, located when the message starts with {@code
     * path:line:}.
     */
    void annotate(String message) {
        if (!inActions || message == null) {
            return;
        }
        Matcher located = LOCATED.matcher(message);
        if (located.matches()) {
            actions.error(
                    message,
                    fromRepositoryRoot(located.group(1)),
                    Integer.valueOf(located.group(2)));
        } else {
            actions.error(message, null, null);
        }
    }

    /**
     * Annotations need paths from the repository root (the working directory in Actions); messages
     * name files from the project directory, which in a monorepo is the config input's directory.
     */
    private String fromRepositoryRoot(String file) {
        try {
            Path path = Path.of(file);
            if (path.isAbsolute()
                    || Files.exists(workingDir.resolve(path))
                    || projectDir.isEmpty()) {
                return file;
            }
            Path inProject = projectDir.get().resolve(path);
            return Files.exists(workingDir.resolve(inProject)) ? inProject.toString() : file;
        } catch (InvalidPathException e) {
            return file;
        }
    }
}
