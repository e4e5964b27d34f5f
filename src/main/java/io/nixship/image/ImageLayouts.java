package io.nixship.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the OCI layout and docker-archive writers share: the layout's small JSON files and verified
 * blob copies.
 */
final class ImageLayouts {
    static final String OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
    static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    private static final ObjectMapper JSON = Json.canonical();

    private ImageLayouts() {}

    /** The blobs of an image in layout order, each once: config, layers, manifest. */
    static List<Blob> blobs(OciImage image) {
        Map<String, Blob> byDigest = new LinkedHashMap<>();
        byDigest.put(image.config().descriptor().digest(), image.config());
        image.layers().forEach(l -> byDigest.putIfAbsent(l.blob().descriptor().digest(), l.blob()));
        byte[] manifest = image.manifest();
        byDigest.putIfAbsent(
                image.manifestDigest(),
                new Blob(
                        manifestDescriptor(image, null), () -> new ByteArrayInputStream(manifest)));
        return new ArrayList<>(byDigest.values());
    }

    static Descriptor manifestDescriptor(OciImage image, String refName) {
        Map<String, String> annotations =
                refName == null ? Map.of() : Map.of(REF_NAME_ANNOTATION, refName);
        return new Descriptor(
                OciImage.MANIFEST_MEDIA_TYPE,
                image.manifestDigest(),
                image.manifest().length,
                annotations);
    }

    static byte[] indexJson(OciImage image, String refName) {
        Map<String, Object> index = new TreeMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_MEDIA_TYPE);
        index.put(
                "manifests",
                List.of(ImageConfigFactory.descriptor(manifestDescriptor(image, refName))));
        return json(index);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialise", e);
        }
    }

    /** Copies a blob, checking its bytes still have the digest and size its descriptor claims. */
    static void copyVerified(Blob blob, OutputStream out) throws IOException {
        MessageDigest sha256 = Digests.newSha256();
        long copied;
        try (InputStream in = blob.content().open()) {
            copied =
                    in.transferTo(
                            new DigestOutputStream(out, sha256) {
                                @Override
                                public void close() {
                                    // the caller owns the stream
                                }
                            });
        }
        String actual = Digests.format(sha256.digest());
        Descriptor expected = blob.descriptor();
        if (!actual.equals(expected.digest()) || copied != expected.size()) {
            throw NixshipException.failure(
                    "blob "
                            + expected.digest()
                            + " read back as "
                            + actual
                            + " ("
                            + copied
                            + " bytes); the layer cache is damaged: delete it and build again");
        }
    }

    static String blobName(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }
}
