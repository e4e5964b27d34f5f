package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.forge.GitHubAccess;
import io.nixship.forge.GitHubIdentity;
import io.nixship.forge.PullRequestEvent;
import io.nixship.forge.StickyCommentService;
import io.nixship.pipeline.freezediff.PullRequestFreezeDiff;
import io.nixship.pipeline.port.CommentResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nixship comment}: the pull request's freeze diff as one sticky comment. */
@Command(
        name = "comment",
        mixinStandardHelpOptions = true,
        description = {
            "On a pull_request event, builds the head commit (nothing pushed), compares it with the image the base",
            "commit's manifests reference (else the base commit, built) and posts the markdown diff as one comment,",
            "edited in place on later pushes. With a read-only token (forks) the diff goes to the job summary."
        })
final class CommentCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = "--event",
            paramLabel = "FILE",
            description = "The event JSON (default: $GITHUB_EVENT_PATH).")
    Path event;

    @Option(
            names = "--head",
            paramLabel = "REF",
            description = "Build this commit instead of pull_request.head.sha.")
    String head;

    @Option(
            names = "--base",
            paramLabel = "REF",
            description = "Compare with this commit instead of pull_request.base.sha.")
    String base;

    @Mixin EnvironmentOptions environment;

    CommentCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        Path eventFile =
                event != null ? context.workingDir().resolve(event) : session.github().eventPath();
        if (eventFile == null) {
            throw NixshipException.usage(
                    "GITHUB_EVENT_PATH is not set; run in a pull_request workflow or pass --event FILE");
        }
        PullRequestEvent pull = PullRequestEvent.read(eventFile);
        GitHubAccess access = session.githubAccess(pull.repository());
        StickyCommentService comments =
                new StickyCommentService(
                        access.api(),
                        pull.repository(),
                        GitHubIdentity.login(access.api(), access.apiUrl(), access.token()));
        PullRequestFreezeDiff service =
                new PullRequestFreezeDiff(
                        environment.pullRequestSources(context, session),
                        context.host().githubRepository(),
                        session::log);
        PullRequestFreezeDiff.Outcome outcome =
                session.group(
                        "nixship comment #" + pull.number(),
                        () ->
                                service.comment(
                                        pull,
                                        base != null ? base : pull.baseSha(),
                                        head != null ? head : pull.headSha(),
                                        comments));
        CommentResult comment = outcome.comment();
        FreezeDiffResults.write(
                session,
                "nixship: Python packages of #"
                        + pull.number()
                        + " ("
                        + outcome.comparison().key()
                        + ")",
                outcome.comparison().diff(),
                outcome.markdown());
        if (!comment.posted()) {
            session.log(
                    "cannot comment (" + comment.reason() + "); the diff is in the job summary");
            session.result(outcome.markdown());
            return 0;
        }
        session.actions().setOutput("comment-url", comment.url());
        session.log(
                switch (comment.operation()) {
                            case CREATED -> "commented: ";
                            case UPDATED -> "updated the comment: ";
                            default -> "the comment is up to date: ";
                        }
                        + comment.url());
        session.result(comment.url());
        return 0;
    }
}
