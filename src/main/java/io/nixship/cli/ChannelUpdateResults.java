package io.nixship.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nixship.Json;
import io.nixship.pipeline.channel.ChannelUpdateService.ManifestsProposal;
import io.nixship.pipeline.channel.ChannelUpdateService.Report;
import io.nixship.pipeline.channel.ChannelUpdateService.Result;
import io.nixship.pipeline.channel.ChannelUpdateService.Status;
import io.nixship.pipeline.port.PullRequestResult;
import java.util.Locale;

/**
 * What {@code update-channel} prints and leaves for GitHub Actions: text, JSON, outputs, summary.
 */
final class ChannelUpdateResults {
    private ChannelUpdateResults() {}

    /**
     * Writes the outputs and the result; exits 1 when the image does not build on the new nixpkgs
     * (the pull request shows the log).
     */
    static int render(CommandSession session, Report report, boolean json, boolean dryRun) {
        outputs(session, report);
        session.result(json ? json(report, dryRun) : text(report, dryRun));
        if (report.buildFails()) {
            session.log(
                    "nixship: error: the image does not build on the new nixpkgs; the pull request shows the log");
            return 1;
        }
        return 0;
    }

    /** The channel's pull request first; the newer release's when the channel had none. */
    private static void outputs(CommandSession session, Report report) {
        Result main =
                report.release()
                        .filter(result -> !report.channel().changed())
                        .orElse(report.channel());
        boolean changed = report.results().stream().anyMatch(Result::changed);
        session.actions().setOutput("changed", Boolean.toString(changed));
        PullRequestResult pr = main.pullRequest();
        session.actions().setOutput("pr-number", pr.number() == null ? "" : pr.number().toString());
        session.actions().setOutput("pr-url", pr.url() == null ? "" : pr.url());
        main.published().ifPresent(published -> ActionsResults.image(session, published));
        for (Result result : report.results()) {
            if (result.pullRequest().url() != null) {
                session.actions()
                        .appendSummary(
                                "### nixship: "
                                        + result.content()
                                                .map(c -> c.title())
                                                .orElse(result.branch())
                                        + "\n\npull request "
                                        + result.pullRequest().operation().label()
                                        + ": "
                                        + result.pullRequest().url()
                                        + result.manifests()
                                                .map(ChannelUpdateResults::manifestsLine)
                                                .orElse("")
                                        + "\n");
            }
        }
    }

    private static String manifestsLine(ManifestsProposal manifests) {
        PullRequestResult pr = manifests.pullRequest();
        return "\n\nmanifests' pull request in "
                + manifests.repository()
                + " "
                + pr.operation().label()
                + (pr.url() == null ? "" : ": " + pr.url());
    }

    private static String text(Report report, boolean dryRun) {
        StringBuilder text = new StringBuilder();
        for (Result result : report.results()) {
            text.append(result.channel()).append(": ").append(describe(result.status()));
            if (result.pullRequest().number() != null) {
                text.append("; pull request ")
                        .append(result.pullRequest().operation().label())
                        .append(" #")
                        .append(result.pullRequest().number())
                        .append(' ')
                        .append(result.pullRequest().url());
            }
            result.manifests()
                    .filter(manifests -> manifests.pullRequest().number() != null)
                    .ifPresent(
                            manifests ->
                                    text.append("; manifests' pull request in ")
                                            .append(manifests.repository())
                                            .append(' ')
                                            .append(manifests.pullRequest().operation().label())
                                            .append(" #")
                                            .append(manifests.pullRequest().number())
                                            .append(' ')
                                            .append(manifests.pullRequest().url()));
            text.append('\n');
            if (dryRun && result.content().isPresent()) {
                text.append("branch: ")
                        .append(result.branch())
                        .append(" (dry run: nothing pushed)\n");
                result.published()
                        .ifPresent(
                                published ->
                                        text.append("image:  ")
                                                .append(published.reference())
                                                .append('\n'));
                text.append('\n').append(result.diff());
                text.append("\npull request: ")
                        .append(result.content().get().title())
                        .append("\n\n");
                text.append(result.content().get().body()).append('\n');
            }
        }
        return text.toString().stripTrailing();
    }

    private static String describe(Status status) {
        return switch (status) {
            case CURRENT -> "the lock is current";
            case ALREADY_PROPOSED -> "already proposed on its branch";
            case IDENTICAL_IMAGE -> "the lock moved but the image is identical; no pull request";
            case PROPOSED -> "lock and manifests proposed";
            case BUILD_FAILING ->
                    "the image does not build on the new release; lock proposed, marked failing";
        };
    }

    private static String json(Report report, boolean dryRun) {
        return Json.compact(
                new Updated(
                        dryRun,
                        report.results().stream().anyMatch(Result::changed),
                        Channel.of(report.channel()),
                        report.release().map(Channel::of).orElse(null)));
    }

    /** {@code update-channel --json}: the channel's result, and the release's when it ran. */
    record Updated(
            boolean dryRun,
            boolean changed,
            Channel channel,
            @JsonInclude(JsonInclude.Include.NON_NULL) Channel release) {}

    /**
     * One result: the lock's move when there is one, the image when one was published, the pull
     * request's number and URL when there is one, its content when proposed, the diff when any.
     */
    record Channel(
            String channel,
            String status,
            boolean changed,
            String branch,
            @JsonInclude(JsonInclude.Include.NON_NULL) String revisionBefore,
            @JsonInclude(JsonInclude.Include.NON_NULL) String revision,
            @JsonInclude(JsonInclude.Include.NON_NULL) String release,
            @JsonInclude(JsonInclude.Include.NON_NULL) String image,
            @JsonInclude(JsonInclude.Include.NON_NULL) String digest,
            @JsonInclude(JsonInclude.Include.NON_NULL) String tag,
            String operation,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer number,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url,
            @JsonInclude(JsonInclude.Include.NON_NULL) String title,
            @JsonInclude(JsonInclude.Include.NON_NULL) String body,
            @JsonInclude(JsonInclude.Include.NON_NULL) String diff,
            @JsonInclude(JsonInclude.Include.NON_NULL) Manifests manifests) {
        static Channel of(Result result) {
            PullRequestResult pr = result.pullRequest();
            return new Channel(
                    result.channel(),
                    result.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    result.changed(),
                    result.branch(),
                    result.update()
                            .flatMap(update -> update.previous())
                            .flatMap(lock -> lock.revision())
                            .orElse(null),
                    result.update().flatMap(update -> update.lock().revision()).orElse(null),
                    result.update().flatMap(update -> update.lock().release()).orElse(null),
                    result.published().map(published -> published.reference()).orElse(null),
                    result.published().map(published -> published.digest()).orElse(null),
                    result.published().map(published -> published.tag()).orElse(null),
                    pr.operation().label(),
                    pr.number(),
                    pr.url(),
                    result.content().map(content -> content.title()).orElse(null),
                    result.content().map(content -> content.body()).orElse(null),
                    result.diff().isEmpty() ? null : result.diff(),
                    result.manifests().map(Manifests::of).orElse(null));
        }
    }

    /** The pull request in the GitOps repository, when the manifests are there. */
    record Manifests(
            String repository,
            String branch,
            String operation,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer number,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url) {
        static Manifests of(ManifestsProposal proposal) {
            PullRequestResult pr = proposal.pullRequest();
            return new Manifests(
                    proposal.repository(),
                    proposal.branch(),
                    pr.operation().label(),
                    pr.number(),
                    pr.url());
        }
    }
}
