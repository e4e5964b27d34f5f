package io.nixship.registry;

import java.util.List;

/**
 * What a push did.
 *
 * @param target the registry, repository and first tag pushed
 * @param digest the manifest digest, {@code sha256:...}
 * @param tags every tag now pointing at the manifest, the first one first
 * @param totalSize config, layers and manifest in bytes
 * @param layersTotal distinct layers in the image; uploaded, skipped (already there) and mounted
 *     add up to it
 * @param bytesUploaded bytes of blobs (layers and config) actually uploaded
 */
public record PushResult(
        RegistryTarget target,
        String digest,
        List<String> tags,
        long totalSize,
        int layersTotal,
        int layersUploaded,
        int layersSkipped,
        int layersMounted,
        long bytesUploaded) {
    public PushResult {
        tags = List.copyOf(tags);
    }

    /** {@code host/repository:tag@sha256:...}, what a manifest should pin. */
    public String reference() {
        return target.host() + "/" + target.repository() + ":" + target.tag() + "@" + digest;
    }

    /**
     * One line for a log: {@code pushed REF (N layers: U uploaded, M mounted, S already there; B
     * bytes uploaded)}.
     */
    public String summary() {
        return "pushed "
                + reference()
                + " ("
                + layersTotal
                + " layers: "
                + layersUploaded
                + " uploaded, "
                + layersMounted
                + " mounted, "
                + layersSkipped
                + " already there; "
                + bytesUploaded
                + " bytes uploaded)";
    }
}
