package io.nixship.registry;

/**
 * A manifest (or index) as a registry serves it: its exact bytes, the media type the registry named
 * and the digest of those bytes.
 */
public record RegistryManifest(String mediaType, String digest, byte[] bytes) {
    public RegistryManifest {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
