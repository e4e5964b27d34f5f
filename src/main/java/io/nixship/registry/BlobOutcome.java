package io.nixship.registry;

/** What the push did for one blob. */
public enum BlobOutcome {
    /** The repository already had it. */
    SKIPPED,
    /** Mounted from another repository of the same registry. */
    MOUNTED,
    /** Uploaded. */
    UPLOADED
}
