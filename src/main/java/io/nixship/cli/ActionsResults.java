package io.nixship.cli;

import io.nixship.registry.ImagePublisher;

/** The step outputs and summary lines every image-producing command writes in GitHub Actions. */
final class ActionsResults {
    private ActionsResults() {}

    static void image(CommandSession session, ImagePublisher.Published published) {
        session.actions().setOutput("image", published.reference());
        session.actions().setOutput("digest", published.digest());
        session.actions().setOutput("tag", published.tag());
        session.actions()
                .appendSummary("### nixship: image built\n\n`" + published.reference() + "`\n");
    }
}
