package io.nixship.pipeline.port;

import java.util.Optional;

/** A commit's web page, for the pull request to link. */
@FunctionalInterface
public interface CommitLinks {
    CommitLinks NONE = commit -> Optional.empty();

    Optional<String> url(String commit);
}
