package io.nixship.source;

import java.time.Instant;

/**
 * A commit as nixship names it: the full id and the committer time (the image's {@code created}).
 */
public record ResolvedCommit(String id, Instant time) {
    public String shortId() {
        return id.substring(0, 7);
    }
}
