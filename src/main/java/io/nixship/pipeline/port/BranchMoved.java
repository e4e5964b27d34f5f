package io.nixship.pipeline.port;

import io.nixship.NixshipException;

/**
 * The remote branch moved under the lease, or another push held it: reading it again and deciding
 * on top of the other run's commit may succeed.
 */
public final class BranchMoved extends NixshipException {
    public BranchMoved(String message) {
        super(FAILURE, message);
    }
}
