package io.nixship.image;

/** Labels nixship adds beside the OCI ones; {@code nixship diff} and {@code verify} read them. */
public final class ImageLabels {
    public static final String FREEZE_LABEL = "io.nixship.freeze";
    public static final String NIXPKGS_REVISION_LABEL = "io.nixship.nixpkgs.revision";
    public static final String NIXPKGS_CHANNEL_LABEL = "io.nixship.nixpkgs.channel";
    public static final String NIXPKGS_RELEASE_LABEL = "io.nixship.nixpkgs.release";
    public static final String CLOSURE_SIZE_LABEL = "io.nixship.closure.nar-size";

    /** Manifest annotation: how the layers were compressed, library and version included. */
    public static final String LAYER_COMPRESSION_ANNOTATION = "io.nixship.layer-compression";

    private ImageLabels() {}
}
