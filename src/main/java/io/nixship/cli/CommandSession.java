package io.nixship.cli;

import io.nixship.forge.ActionsOutput;
import io.nixship.forge.GitHubAccess;
import io.nixship.forge.GitHubAppCredentials;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.SecretMasker;
import io.nixship.pipeline.port.HostSettings;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One command's channel to people and to GitHub Actions: log lines on stderr (masked, never read as
 * workflow commands), groups, secrets to mask, step outputs and the job summary. Every command
 * makes one at its start, so a secret is registered before the first line that could show it.
 */
final class CommandSession {
    private final CliContext context;
    private final GitHubEnvironment github;
    private final ActionsOutput actions;

    /**
     * The push progress line redrawn on stderr while a push runs, if any: other lines go above it.
     */
    private volatile PushProgress progress;

    CommandSession(CliContext context) {
        this.context = context;
        this.github = context.host().github();
        this.actions = ActionsOutput.forEnvironment(github, context.err(), new SecretMasker());
    }

    CliContext context() {
        return context;
    }

    /** What the use cases take from the host, Nix's lines going to this session's log. */
    HostSettings hostSettings() {
        return context.host().settings(this::log);
    }

    GitHubEnvironment github() {
        return github;
    }

    ActionsOutput actions() {
        return actions;
    }

    /**
     * GitHub access to {@code repository} ({@code owner/name}) as the configured App, else with
     * {@code GITHUB_TOKEN}; every token it uses is masked first.
     */
    GitHubAccess githubAccess(String repository) {
        return githubAccess(github, context.host().githubApp(), repository);
    }

    /**
     * GitHub access to {@code repository} as {@code app} when given, else with {@code env}'s token.
     */
    GitHubAccess githubAccess(
            GitHubEnvironment env, Optional<GitHubAppCredentials> app, String repository) {
        return GitHubAccess.to(env, app, repository, this::addMask);
    }

    void log(String line) {
        aboveProgress(() -> actions.log(line));
    }

    /** A warning the run goes on after: an annotation in Actions. */
    void warn(String message) {
        aboveProgress(() -> actions.warning(message));
    }

    void addMask(String secret) {
        actions.addMask(secret);
    }

    <T> T group(String title, Supplier<T> work) {
        aboveProgress(() -> actions.startGroup(title));
        try {
            return work.get();
        } finally {
            aboveProgress(actions::endGroup);
        }
    }

    /**
     * A push's progress line from now on: the push overlaps the build, whose log lines and group
     * headers must not land on the end of that line.
     */
    PushProgress showProgress(PushProgress line) {
        this.progress = line;
        return line;
    }

    private void aboveProgress(Runnable write) {
        PushProgress line = progress;
        if (line == null) {
            write.run();
        } else {
            line.above(write);
        }
    }

    /** Prints the command's result (stdout: for machines and pipes). */
    void result(String text) {
        print(text.endsWith("\n") ? text : text + "\n");
    }

    /**
     * Prints text as it is on stdout, masked; in Actions, text the runner would read as a workflow
     * command is fenced as on the log, since the runner reads stdout too.
     */
    void print(String text) {
        context.out().print(actions.asData(text));
        context.out().flush();
    }
}
