package io.nixship.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An OCI image layout that {@code nixship build --to oci:DIR} wrote, read with plain JSON (not with
 * nixship's own reader, so the tests check the files themselves).
 */
record BuildLayout(Path directory, String tag) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the reference {@code build} prints: {@code oci:DIR:TAG}. */
    static BuildLayout fromReference(String printed) {
        String reference = printed.strip();
        if (!reference.startsWith("oci:") || reference.lastIndexOf(':') <= "oci:".length()) {
            throw new AssertionError("not an oci:DIR:TAG reference: '" + printed + "'");
        }
        int colon = reference.lastIndexOf(':');
        return new BuildLayout(
                Path.of(reference.substring("oci:".length(), colon)),
                reference.substring(colon + 1));
    }

    /** {@code oci:DIR:TAG}, as skopeo and {@code nixship freeze --image} take it. */
    String reference() {
        return "oci:" + directory + ":" + tag;
    }

    /** The manifest digest that index.json records for the tag. */
    String manifestDigest() {
        for (JsonNode descriptor : json(directory.resolve("index.json")).path("manifests")) {
            if (tag.equals(
                    descriptor
                            .path("annotations")
                            .path("org.opencontainers.image.ref.name")
                            .asText())) {
                return descriptor.path("digest").asText();
            }
        }
        throw new AssertionError(directory + "/index.json has no image tagged " + tag);
    }

    JsonNode manifest() {
        return json(blob(manifestDigest()));
    }

    JsonNode config() {
        return json(blob(manifest().path("config").path("digest").asText()));
    }

    /** The layer digests in manifest order: store paths first, the app layer last. */
    List<String> layerDigests() {
        List<String> digests = new ArrayList<>();
        manifest().path("layers").forEach(layer -> digests.add(layer.path("digest").asText()));
        return digests;
    }

    /** The regular files of a (gzip) layer, by their tar names, e.g. {@code opt/app.py}. */
    Map<String, byte[]> layerFiles(String digest) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        // The JDK's gzip reader: commons-compress's needs a newer commons-io than the test
        // classpath has.
        try (InputStream in = Files.newInputStream(blob(digest));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry();
                    entry != null;
                    entry = tar.getNextEntry()) {
                if (entry.isFile()) {
                    files.put(entry.getName(), tar.readAllBytes());
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code umoci unpack} into {@code bundleDir}: a runtime bundle with the image's rootfs and
     * process.
     */
    BuildBundle unpack(Path bundleDir) {
        BuildHostCommands.check(
                "umoci", "unpack", "--image", directory + ":" + tag, bundleDir.toString());
        JsonNode process = json(bundleDir.resolve("config.json")).path("process");
        List<String> args = new ArrayList<>();
        process.path("args").forEach(arg -> args.add(arg.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode pair : process.path("env")) {
            String text = pair.asText();
            int equals = text.indexOf('=');
            env.put(text.substring(0, equals), text.substring(equals + 1));
        }
        return new BuildBundle(
                bundleDir.resolve("rootfs"), args, process.path("cwd").asText(), env);
    }

    Path blob(String digest) {
        return directory.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * An unpacked image: its root filesystem and the process the image's config describes (args =
     * Entrypoint + Cmd, working directory, environment). Commands run in a chroot of the rootfs
     * with the image's environment only.
     */
    record BuildBundle(Path rootfs, List<String> args, String workingDir, Map<String, String> env) {
        /** {@code chroot ROOTFS command...}: runs with the image's environment, from {@code /}. */
        BuildHostCommands.Output chroot(String... command) {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/chroot", rootfs.toString()));
            argv.addAll(List.of(command));
            return BuildHostCommands.run(argv, env, Optional.empty());
        }

        /**
         * Starts {@code command} in a chroot of the rootfs with the image's working directory and
         * environment, as a container runtime would (without namespaces: it shares loopback).
         */
        Process start(List<String> command) throws IOException {
            List<String> argv =
                    new ArrayList<>(
                            List.of("/usr/bin/unshare", "--root=" + rootfs, "--wd=" + workingDir));
            argv.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            return builder.start();
        }
    }
}
