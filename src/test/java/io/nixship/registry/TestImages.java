package io.nixship.registry;

import io.nixship.image.Blob;
import io.nixship.image.Descriptor;
import io.nixship.image.Layer;
import io.nixship.image.OciImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small, deterministic images for push tests: layers of seeded random bytes, gzipped. */
final class TestImages {
    private TestImages() {}

    /** A layer whose contents depend only on {@code seed} and {@code size}. */
    static Layer layer(long seed, int size) {
        byte[] raw = new byte[size];
        new Random(seed).nextBytes(raw);
        byte[] gz = gzip(raw);
        return new Layer(
                blob(OciImage.LAYER_MEDIA_TYPE, gz),
                sha256(raw),
                List.of("/nix/store/" + seed + "-test"));
    }

    /** A real layer: a gzipped tar holding one regular file. */
    static Layer tarLayer(String path, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry(path);
            entry.setSize(data.length);
            entry.setMode(0644);
            entry.setModTime(0);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] raw = tar.toByteArray();
        return new Layer(blob(OciImage.LAYER_MEDIA_TYPE, gzip(raw)), sha256(raw), List.of());
    }

    static Blob blob(String mediaType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new Blob(
                new Descriptor(mediaType, sha256(copy), copy.length),
                () -> new ByteArrayInputStream(copy));
    }

    static OciImage image(List<Layer> layers) {
        return image(layers, List.of());
    }

    /** An image whose manifest also lists {@code extraManifestLayers}, which are not pushed. */
    static OciImage image(List<Layer> layers, List<Descriptor> extraManifestLayers) {
        StringBuilder diffIds = new StringBuilder();
        for (Layer layer : layers) {
            diffIds.append(diffIds.length() == 0 ? "" : ",")
                    .append('"')
                    .append(layer.diffId())
                    .append('"');
        }
        String config =
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/true\"]},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                        + diffIds
                        + "]}}";
        Blob configBlob = blob(OciImage.CONFIG_MEDIA_TYPE, config.getBytes(StandardCharsets.UTF_8));
        List<Descriptor> listed = new ArrayList<>();
        layers.forEach(layer -> listed.add(layer.blob().descriptor()));
        listed.addAll(extraManifestLayers);
        StringBuilder manifestLayers = new StringBuilder();
        for (Descriptor d : listed) {
            manifestLayers.append(manifestLayers.length() == 0 ? "" : ",").append(json(d));
        }
        String manifest =
                "{\"schemaVersion\":2,\"mediaType\":\""
                        + OciImage.MANIFEST_MEDIA_TYPE
                        + "\",\"config\":"
                        + json(configBlob.descriptor())
                        + ",\"layers\":["
                        + manifestLayers
                        + "]}";
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        return new OciImage(configBlob, layers, manifestBytes, sha256(manifestBytes));
    }

    static OciImage imageOfSeeds(long... seeds) {
        List<Layer> layers = new ArrayList<>();
        for (long seed : seeds) {
            layers.add(layer(seed, 64 * 1024));
        }
        return image(layers);
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\""
                + d.mediaType()
                + "\",\"digest\":\""
                + d.digest()
                + "\",\"size\":"
                + d.size()
                + "}";
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
