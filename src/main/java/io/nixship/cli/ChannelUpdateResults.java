package io.nixship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
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
                                        + "\n");
            }
        }
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
        ObjectMapper mapper = Json.mapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("dryRun", dryRun);
        node.put("changed", report.results().stream().anyMatch(Result::changed));
        node.set("channel", json(mapper, report.channel()));
        report.release().ifPresent(release -> node.set("release", json(mapper, release)));
        return node.toString();
    }

    private static ObjectNode json(ObjectMapper mapper, Result result) {
        ObjectNode node = mapper.createObjectNode();
        node.put("channel", result.channel());
        node.put("status", result.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        node.put("changed", result.changed());
        node.put("branch", result.branch());
        result.update()
                .ifPresent(
                        update -> {
                            update.previous()
                                    .flatMap(lock -> lock.revision())
                                    .ifPresent(revision -> node.put("revisionBefore", revision));
                            update.lock()
                                    .revision()
                                    .ifPresent(revision -> node.put("revision", revision));
                            update.lock()
                                    .release()
                                    .ifPresent(release -> node.put("release", release));
                        });
        result.published()
                .ifPresent(
                        published -> {
                            node.put("image", published.reference());
                            node.put("digest", published.digest());
                            node.put("tag", published.tag());
                        });
        PullRequestResult pr = result.pullRequest();
        node.put("operation", pr.operation().label());
        if (pr.number() != null) {
            node.put("number", pr.number());
            node.put("url", pr.url());
        }
        result.content()
                .ifPresent(
                        content -> {
                            node.put("title", content.title());
                            node.put("body", content.body());
                        });
        if (!result.diff().isEmpty()) {
            node.put("diff", result.diff());
        }
        return node;
    }
}
