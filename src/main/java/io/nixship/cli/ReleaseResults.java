package io.nixship.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nixship.Json;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.PushResult;
import java.util.Locale;

/** What {@code release} prints and leaves for GitHub Actions: text, JSON, outputs, summary. */
final class ReleaseResults {
    private ReleaseResults() {}

    /** The note, the image, the pull request's number and URL, and the job summary. */
    static void outputs(CommandSession session, ReleaseService.Outcome outcome) {
        if (!outcome.note().isEmpty()) {
            session.log(outcome.note());
        }
        ActionsResults.image(session, outcome.plan().published());
        PullRequestResult pr = outcome.pullRequest();
        session.actions().setOutput("pr-number", pr.number() == null ? "" : pr.number().toString());
        session.actions().setOutput("pr-url", pr.url() == null ? "" : pr.url());
        session.actions().setOutput("changed", Boolean.toString(outcome.changed()));
        if (pr.url() != null) {
            session.actions()
                    .appendSummary(
                            "### nixship: pull request "
                                    + pr.operation().label()
                                    + "\n\n"
                                    + pr.url()
                                    + "\n");
        }
    }

    static String dryRunText(ReleaseService.Plan plan) {
        StringBuilder text = new StringBuilder();
        text.append("image:  ").append(plan.target()).append(" (dry run: not pushed)\n");
        text.append("branch: ").append(plan.branch()).append('\n');
        if (!plan.changesManifests()) {
            text.append("\nno manifest changes: no pull request would be opened")
                    .append(plan.alreadyCurrent() ? " (the manifests already name this image)" : "")
                    .append('\n');
            return text.toString();
        }
        text.append('\n').append(plan.diff());
        text.append("\npull request: ").append(plan.content().title()).append("\n\n");
        text.append(plan.content().body());
        return text.toString();
    }

    static String dryRunJson(ReleaseService.Plan plan) {
        return Json.compact(
                new DryRun(
                        true,
                        plan.target().toString(),
                        plan.branch(),
                        plan.changesManifests(),
                        plan.diff(),
                        plan.content().title(),
                        plan.content().body(),
                        layers(plan)));
    }

    /**
     * Where each layer came from and what the push did with it, as {@code build --json} reports it.
     */
    private static BuildResults.BuiltLayers layers(ReleaseService.Plan plan) {
        return BuildResults.BuiltLayers.of(plan.built(), plan.published().push());
    }

    static String text(PullRequestResult pr) {
        return pr.number() == null
                ? pr.operation().label()
                : pr.operation().label() + " #" + pr.number() + " " + pr.url();
    }

    static String json(ReleaseService.Outcome outcome) {
        PullRequestResult pr = outcome.pullRequest();
        ReleaseService.Plan plan = outcome.plan();
        return Json.compact(
                new Released(
                        pr.operation().label(),
                        pr.number(),
                        pr.url(),
                        outcome.changed(),
                        plan.target().toString(),
                        plan.branch(),
                        layers(plan),
                        plan.published().push().map(PushResult::bytesUploaded).orElse(null),
                        outcome.branch() == null
                                ? null
                                : outcome.branch().operation().name().toLowerCase(Locale.ROOT),
                        outcome.branch() == null ? null : outcome.branch().commit(),
                        outcome.note().isEmpty() ? null : outcome.note()));
    }

    /** {@code release --dry-run --json}. */
    record DryRun(
            boolean dryRun,
            String image,
            String branch,
            boolean changed,
            String diff,
            String title,
            String body,
            BuildResults.BuiltLayers layers) {}

    /**
     * {@code release --json}: the pull request's number and URL when there is one, the bytes
     * uploaded after a push, the branch's fate when it was touched, the note when there is one.
     */
    record Released(
            String operation,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer number,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url,
            boolean changed,
            String image,
            String branch,
            BuildResults.BuiltLayers layers,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long bytesUploaded,
            @JsonInclude(JsonInclude.Include.NON_NULL) String branchOperation,
            @JsonInclude(JsonInclude.Include.NON_NULL) String branchCommit,
            @JsonInclude(JsonInclude.Include.NON_NULL) String note) {}
}
