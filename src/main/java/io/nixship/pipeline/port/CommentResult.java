package io.nixship.pipeline.port;

/**
 * What happened to the sticky comment. For {@link Operation#NO_PERMISSION} the caller writes the
 * markdown to the job summary instead and still succeeds (a fork's read-only token).
 */
public record CommentResult(Operation operation, Long commentId, String url, String reason) {

    public enum Operation {
        CREATED,
        UPDATED,
        UNCHANGED,
        NO_PERMISSION
    }

    public boolean posted() {
        return operation != Operation.NO_PERMISSION;
    }
}
