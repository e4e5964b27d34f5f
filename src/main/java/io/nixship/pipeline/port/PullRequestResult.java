package io.nixship.pipeline.port;

import java.util.Locale;

/** What happened to the pull request; number and URL are null for {@link Operation#NONE}. */
public record PullRequestResult(Operation operation, Integer number, String url) {

    public enum Operation {
        CREATED,
        UPDATED,
        CLOSED,
        NONE;

        /**
         * {@code created}, {@code updated}, {@code closed}, {@code none}: the value for outputs.
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static PullRequestResult none() {
        return new PullRequestResult(Operation.NONE, null, null);
    }
}
