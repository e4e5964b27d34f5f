package io.nixship.image;

import java.util.List;

/**
 * One compressed layer of an image: the blob, the digest of its uncompressed tar (the config's
 * diff-id) and the store paths it holds (empty for the app layer).
 */
public record Layer(Blob blob, String diffId, List<String> storePaths) {
    public Layer {
        storePaths = List.copyOf(storePaths);
    }
}
