package io.nixship.image;

import java.util.List;

/**
 * A complete image ready to be written or pushed: its config blob, its layers in order, and the
 * manifest bytes exactly as they are to be stored (the digest is over these bytes).
 */
public record OciImage(Blob config, List<Layer> layers, byte[] manifest, String manifestDigest) {
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    public OciImage {
        layers = List.copyOf(layers);
        manifest = manifest.clone();
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    public long totalSize() {
        return config.descriptor().size()
                + layers.stream().mapToLong(l -> l.blob().descriptor().size()).sum()
                + manifest.length;
    }
}
