package io.nixship.pipeline.port;

import java.util.Optional;

/**
 * The remote {@code nixship/*} branches: read one (its commits become readable locally), push a
 * commit leased on the value read, put a push back.
 */
public interface BranchStore {
    /**
     * The branch's commit id, empty when it does not exist: the lease a later {@link
     * #publish(PublishRequest, Optional)} holds the push to.
     */
    Optional<String> read(String branch);

    /**
     * Publishes the edits if the remote branch still holds {@code lease}.
     *
     * @throws BranchMoved when another run moved or held the branch meanwhile; nothing was changed
     */
    PublishResult publish(PublishRequest request, Optional<String> lease);

    /**
     * Puts the branch back to the value before {@code published} (deletes it when that run created
     * it), leased on the commit that run pushed; does nothing when it pushed nothing.
     */
    void rollBack(PublishRequest request, PublishResult published);
}
