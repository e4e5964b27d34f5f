package io.nixship.image;

import java.util.List;

/**
 * A compressed layer blob in the cache: its digests, size and the store paths it holds (empty for
 * the app layer).
 */
public record StoredLayer(String digest, String diffId, long size, List<String> storePaths) {
    public StoredLayer {
        storePaths = List.copyOf(storePaths);
    }
}
