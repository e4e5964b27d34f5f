package io.nixship.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.release.ReleaseService;
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
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("dryRun", true);
        node.put("image", plan.target().toString());
        node.put("branch", plan.branch());
        node.put("changed", plan.changesManifests());
        node.put("diff", plan.diff());
        node.put("title", plan.content().title());
        node.put("body", plan.content().body());
        node.set("layers", layers(plan));
        return node.toString();
    }

    /**
     * Where each layer came from and what the push did with it, as {@code build --json} reports it.
     */
    private static ObjectNode layers(ReleaseService.Plan plan) {
        ObjectNode layers = Json.mapper().createObjectNode();
        layers.put("total", plan.built().image().layers().size());
        layers.put("fromCache", plan.built().assembled().layersFromCache());
        layers.put("reused", plan.built().assembled().layersReused());
        layers.put("compressed", plan.built().assembled().layersCompressed());
        plan.published()
                .push()
                .ifPresent(
                        push -> {
                            layers.put("uploaded", push.layersUploaded());
                            layers.put("skipped", push.layersSkipped());
                            layers.put("mounted", push.layersMounted());
                        });
        return layers;
    }

    static String text(PullRequestResult pr) {
        return pr.number() == null
                ? pr.operation().label()
                : pr.operation().label() + " #" + pr.number() + " " + pr.url();
    }

    static String json(ReleaseService.Outcome outcome) {
        ObjectNode node = Json.mapper().createObjectNode();
        PullRequestResult pr = outcome.pullRequest();
        node.put("operation", pr.operation().label());
        if (pr.number() != null) {
            node.put("number", pr.number());
            node.put("url", pr.url());
        }
        node.put("changed", outcome.changed());
        node.put("image", outcome.plan().target().toString());
        node.put("branch", outcome.plan().branch());
        node.set("layers", layers(outcome.plan()));
        outcome.plan()
                .published()
                .push()
                .ifPresent(push -> node.put("bytesUploaded", push.bytesUploaded()));
        if (outcome.branch() != null) {
            node.put(
                    "branchOperation",
                    outcome.branch().operation().name().toLowerCase(Locale.ROOT));
            if (outcome.branch().commit() != null) {
                node.put("branchCommit", outcome.branch().commit());
            }
        }
        if (!outcome.note().isEmpty()) {
            node.put("note", outcome.note());
        }
        return node.toString();
    }
}
