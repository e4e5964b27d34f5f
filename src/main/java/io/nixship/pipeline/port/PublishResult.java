package io.nixship.pipeline.port;

/**
 * What publishing did to the branch.
 *
 * @param commit the id of the commit the remote branch now points at (null when there is no branch)
 * @param previous the id of the remote branch's value before (null when it did not exist)
 */
public record PublishResult(Operation operation, String branch, String commit, String previous) {

    public enum Operation {
        /** The branch did not exist and now holds the edits. */
        CREATED,
        /** The branch held an older nixship commit and was moved to the new one. */
        UPDATED,
        /** The branch already held exactly this change; nothing was pushed. */
        UP_TO_DATE,
        /** The edits change nothing against the base; nothing was pushed. */
        NO_CHANGES,
        /**
         * The branch holds a nixship commit built from a newer base; an older run must not replace
         * it.
         */
        SUPERSEDED
    }

    /** The branch carries this run's change: open or update its pull request. */
    public boolean pullRequestShouldShowIt() {
        return operation == Operation.CREATED
                || operation == Operation.UPDATED
                || operation == Operation.UP_TO_DATE;
    }

    /** Nothing to change against the base: an open pull request for the branch should be closed. */
    public boolean pullRequestIsStale() {
        return operation == Operation.NO_CHANGES;
    }
}
