package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the push end-to-end tests share: running the real clients (skopeo, umoci, chroot) against
 * what the CLI pushed, and reading pushed manifests and the CLI's {@code --json}.
 */
final class PushFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STORE_PATHS = "io.nixship.store-paths";

    private PushFixtures() {}

    /**
     * Runs a program and returns its stdout; fails the test with its output when it exits non-zero.
     */
    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new AssertionError(
                        String.join(" ", command) + " exited " + exit + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String skopeo(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(Arrays.asList(args));
        return run(command);
    }

    /** {@code skopeo inspect} of {@code host/repo:tag} over plain HTTP. */
    static JsonNode inspect(String reference) {
        return json(skopeo("inspect", "--tls-verify=false", "docker://" + reference));
    }

    /** The manifest exactly as the registry serves it. */
    static JsonNode rawManifest(String reference) {
        return json(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + reference));
    }

    static JsonNode rawConfig(String reference) {
        return json(
                skopeo(
                        "inspect",
                        "--config",
                        "--raw",
                        "--tls-verify=false",
                        "docker://" + reference));
    }

    /**
     * Copies the pushed image into an OCI layout with skopeo, unpacks it with umoci and runs the
     * image's own {@code python3 -m pip freeze} in a chroot of the root filesystem, with an empty
     * environment.
     */
    static String freezeInPushedImage(String reference, Path work) {
        Path layout = work.resolve("layout");
        Path bundle = work.resolve("bundle");
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        skopeo(
                "copy",
                "--src-tls-verify=false",
                "docker://" + reference,
                "oci:" + layout + ":pulled");
        run(List.of("umoci", "unpack", "--image", layout + ":pulled", bundle.toString()));
        Path rootfs = bundle.resolve("rootfs");
        return run(
                List.of(
                        "/usr/bin/env",
                        "-i",
                        "/usr/sbin/chroot",
                        rootfs.toString(),
                        pythonIn(rootfs),
                        "-m",
                        "pip",
                        "freeze"));
    }

    /**
     * The python3 of the image's Python environment: the store path that has both bin/python3 and
     * bin/pip.
     */
    private static String pythonIn(Path rootfs) {
        try (Stream<Path> store = Files.list(rootfs.resolve("nix/store"))) {
            List<Path> candidates =
                    store.filter(
                                    dir ->
                                            Files.exists(
                                                            dir.resolve("bin/python3"),
                                                            LinkOption.NOFOLLOW_LINKS)
                                                    && Files.exists(
                                                            dir.resolve("bin/pip"),
                                                            LinkOption.NOFOLLOW_LINKS))
                            .toList();
            assertThat(candidates).as("python environments in the image").hasSize(1);
            return "/" + rootfs.relativize(candidates.get(0).resolve("bin/python3"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Layer digest to its store-paths annotation, for the store-path layers of a manifest. */
    static Map<String, String> storePathLayers(JsonNode manifest) {
        Map<String, String> layers = new LinkedHashMap<>();
        for (JsonNode layer : manifest.path("layers")) {
            JsonNode paths = layer.path("annotations").path(STORE_PATHS);
            if (!paths.isMissingNode()) {
                layers.put(layer.path("digest").asText(), paths.asText());
            }
        }
        return layers;
    }

    /** Blob digest to size for every layer and the config of a manifest. */
    static Map<String, Long> blobSizes(JsonNode manifest) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(
                manifest.path("config").path("digest").asText(),
                manifest.path("config").path("size").asLong());
        for (JsonNode layer : manifest.path("layers")) {
            sizes.put(layer.path("digest").asText(), layer.path("size").asLong());
        }
        return sizes;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * {@code nixship build} of the project's HEAD to {@code host/repository}, asserting it
     * succeeded.
     */
    static CliRun.Result push(
            CliRun cli, ExampleProject project, String destination, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of("build", "--dir", project.dir().toString(), "--to", destination));
        args.addAll(Arrays.asList(extra));
        CliRun.Result result = cli.run(args.toArray(String[]::new));
        assertThat(result.exitCode())
                .as("nixship build exit code; stderr:\n" + result.err())
                .isZero();
        return result;
    }

    /**
     * {@link #push} with {@code --json} from a runner with an empty home of its own under {@code
     * root}.
     */
    static JsonNode pushJson(
            Path root, String runner, ExampleProject project, String destination, String... extra) {
        List<String> args = new ArrayList<>(Arrays.asList(extra));
        args.add("--json");
        return json(
                push(
                                CliRun.offline(root, root.resolve(runner)),
                                project,
                                destination,
                                args.toArray(String[]::new))
                        .out());
    }

    /**
     * The manifest bytes the registry serves for {@code repository:reference}, fetched anonymously.
     */
    static byte[] manifestBytes(RegistryServer registry, String repository, String reference) {
        try {
            HttpResponse<byte[]> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            registry.url()
                                                                    + "/v2/"
                                                                    + repository
                                                                    + "/manifests/"
                                                                    + reference))
                                            .header(
                                                    "Accept",
                                                    "application/vnd.oci.image.manifest.v1+json")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode())
                    .as("GET manifest " + repository + ":" + reference)
                    .isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request count of the registry so far: later requests are what one run sent. */
    static int mark(RegistryServer registry) {
        return registry.requests().size();
    }
}
