package io.nixship.pipeline.port;

import java.util.Map;
import java.util.TreeMap;

/**
 * What to publish: the file edits (repository-relative path to new content) to commit on {@code
 * branch} on top of {@code baseCommit}, and what the commit message says about them.
 *
 * @param baseCommit the full id of the commit the branch commit goes on
 * @param sourceCommit the commit the image was built from (usually {@code GITHUB_SHA})
 */
public record PublishRequest(
        String branch,
        String baseCommit,
        Map<String, byte[]> edits,
        String oldReference,
        String newReference,
        String sourceCommit,
        GitIdentity identity) {

    public PublishRequest {
        if (branch == null || !branch.startsWith(BranchNames.PREFIX)) {
            throw new IllegalArgumentException(
                    "nixship only publishes to nixship/* branches: " + branch);
        }
        // These end up in the commit message, whose trailers identify nixship's commits later.
        for (String line : new String[] {newReference, sourceCommit}) {
            if (line == null || line.isBlank() || line.contains("\n") || line.contains("\r")) {
                throw new IllegalArgumentException(
                        "new reference and source commit must be one line");
            }
        }
        if (oldReference != null && (oldReference.contains("\n") || oldReference.contains("\r"))) {
            throw new IllegalArgumentException("old reference must be one line");
        }
        edits = new TreeMap<>(edits);
    }

    public PublishRequest(
            String branch,
            String baseCommit,
            Map<String, byte[]> edits,
            String oldReference,
            String newReference,
            String sourceCommit) {
        this(
                branch,
                baseCommit,
                edits,
                oldReference,
                newReference,
                sourceCommit,
                GitIdentity.DEFAULT);
    }

    public String remoteRef() {
        return "refs/heads/" + branch;
    }
}
