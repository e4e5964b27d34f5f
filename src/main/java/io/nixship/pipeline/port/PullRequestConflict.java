package io.nixship.pipeline.port;

import io.nixship.NixshipException;

/**
 * The forge refused a pull request change because of the state it holds, e.g. a concurrent run
 * opened the pull request between our look-up and our create.
 */
public final class PullRequestConflict extends NixshipException {
    public PullRequestConflict(String message, Throwable cause) {
        super(FAILURE, message, cause);
    }
}
