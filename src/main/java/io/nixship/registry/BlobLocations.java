package io.nixship.registry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which repository of a registry holds a blob, so a push to another repository of the
 * same registry can mount it instead of uploading it again.
 */
public interface BlobLocations {
    Optional<String> repositoryHolding(String host, String digest);

    void remember(String host, String repository, String digest);

    /** Remembers for the life of the object only. */
    static BlobLocations inMemory() {
        Map<String, String> known = new ConcurrentHashMap<>();
        return new BlobLocations() {
            @Override
            public Optional<String> repositoryHolding(String host, String digest) {
                return Optional.ofNullable(known.get(host + " " + digest));
            }

            @Override
            public void remember(String host, String repository, String digest) {
                known.put(host + " " + digest, repository);
            }
        };
    }
}
