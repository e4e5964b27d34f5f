package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutWriterTest {
    @TempDir Path temp;

    private final ObjectMapper json = new ObjectMapper();
    private OciImage image;

    @BeforeEach
    void assemble() throws IOException {
        image =
                new SampleImage(temp.resolve("inputs"), Instant.now())
                        .assemble(temp.resolve("cache"), SampleImage.closure(SampleImage.FLASK))
                        .image();
    }

    @Test
    void umociUnpacksTheLayoutWithSymlinksModesAndTheBaseFilesystem() throws Exception {
        Path layout = temp.resolve("out/layout");
        new OciLayoutWriter().write(image, layout, "v1");

        Path bundle = temp.resolve("bundle");
        Processes.run("umoci", "unpack", "--image", layout + ":v1", bundle.toString());

        Path rootfs = bundle.resolve("rootfs");
        Path python = rootfs.resolve(SampleImage.PYTHON.substring(1));
        assertThat(Files.isSymbolicLink(python.resolve("bin/python3"))).isTrue();
        assertThat(Files.readSymbolicLink(python.resolve("bin/python3"))).hasToString("python3.12");
        assertThat(Files.readSymbolicLink(python.resolve("lib/libc.so.6")))
                .hasToString(SampleImage.GLIBC + "/lib/libc.so.6");
        assertThat(Files.getPosixFilePermissions(python.resolve("bin/python3.12")))
                .isEqualTo(PosixFilePermissions.fromString("r-xr-xr-x"));
        assertThat(python.resolve("lib/python3.12/" + "deep/".repeat(30) + "module.py"))
                .hasContent("x = 1");
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin")))
                .hasToString(SampleImage.ENV + "/bin");
        assertThat(
                        Files.getAttribute(
                                rootfs.resolve("tmp"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(041777);
        assertThat(rootfs.resolve("etc/passwd")).content().contains("nobody:x:65534");
        assertThat(rootfs.resolve("opt/app.py")).hasContent("print('hello')");
        JsonNode runtime = json.readTree(bundle.resolve("config.json").toFile());
        assertThat(runtime.get("process").get("cwd").asText()).isEqualTo("/opt");
        assertThat(runtime.get("process").get("args").get(0).asText()).isEqualTo("python3");
    }

    @Test
    void skopeoInspectsTheLayoutAndCopiesItToADockerArchive() throws Exception {
        Path layout = temp.resolve("layout");
        new OciLayoutWriter().write(image, layout, "v1");

        JsonNode inspected =
                json.readTree(Processes.run("skopeo", "inspect", "oci:" + layout + ":v1"));
        assertThat(inspected.get("Digest").asText()).isEqualTo(image.manifestDigest());
        assertThat(inspected.get("Layers")).hasSize(image.layers().size());
        assertThat(inspected.get("Labels").get("org.opencontainers.image.revision").asText())
                .isEqualTo("abc123");
        assertThat(inspected.get("Created").asText()).isEqualTo("2026-11-24T10:15:30Z");

        Path archive = temp.resolve("copied.tar");
        Processes.run(
                "skopeo",
                "copy",
                "oci:" + layout + ":v1",
                "docker-archive:" + archive + ":example/app:v1");
        JsonNode fromArchive =
                json.readTree(Processes.run("skopeo", "inspect", "docker-archive:" + archive));
        assertThat(fromArchive.get("Layers")).hasSize(image.layers().size());
    }

    @Test
    void writesTheIndexWithTheTagAndEveryBlobByDigest() throws IOException {
        Path layout = temp.resolve("layout");
        new OciLayoutWriter().write(image, layout, "v1");

        JsonNode index = json.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = index.get("manifests").get(0);
        assertThat(manifest.get("digest").asText()).isEqualTo(image.manifestDigest());
        assertThat(manifest.get("annotations").get("org.opencontainers.image.ref.name").asText())
                .isEqualTo("v1");
        assertThat(layout.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
        for (Layer layer : image.layers()) {
            Path blob =
                    layout.resolve("blobs/sha256")
                            .resolve(Digests.hex(layer.blob().descriptor().digest()));
            assertThat(Digests.sha256(Files.readAllBytes(blob)))
                    .isEqualTo(layer.blob().descriptor().digest());
        }
        assertThat(layout.resolve("blobs/sha256").resolve(Digests.hex(image.manifestDigest())))
                .hasBinaryContent(image.manifest());
        assertThat(siblingsOf(layout)).containsExactly("layout");
    }

    @Test
    void replacesAnExistingLayoutOnlyWhenTheNewOneIsComplete() throws IOException {
        Path layout = temp.resolve("layout");
        new OciLayoutWriter().write(image, layout, "v1");
        byte[] indexBefore = Files.readAllBytes(layout.resolve("index.json"));
        Layer brokenLayer = image.layers().get(0);
        OciImage broken =
                new OciImage(
                        image.config(),
                        List.of(
                                new Layer(
                                        new Blob(
                                                brokenLayer.blob().descriptor(),
                                                () -> InputStream.nullInputStream()),
                                        brokenLayer.diffId(),
                                        brokenLayer.storePaths())),
                        image.manifest(),
                        image.manifestDigest());

        assertThatThrownBy(() -> new OciLayoutWriter().write(broken, layout, "v2"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining(brokenLayer.blob().descriptor().digest());

        assertThat(layout.resolve("index.json")).hasBinaryContent(indexBefore);
        assertThat(siblingsOf(layout)).containsExactly("layout");
        new OciLayoutWriter().write(image, layout, "v2");
        assertThat(layout.resolve("index.json")).content().contains("\"v2\"");
        assertThat(siblingsOf(layout)).containsExactly("layout");
    }

    @Test
    void refusesToReplaceADirectoryThatIsNotALayout() throws IOException {
        Path notLayout = Files.createDirectories(temp.resolve("precious"));
        Files.writeString(notLayout.resolve("notes.txt"), "keep me");

        assertThatThrownBy(() -> new OciLayoutWriter().write(image, notLayout, null))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("precious exists and is not an OCI image layout");
        assertThat(notLayout.resolve("notes.txt")).hasContent("keep me");
    }

    @Test
    void skopeoReadsTheDockerArchiveWriterOutput() throws Exception {
        Path archive = temp.resolve("image.tar");
        new DockerArchiveWriter().write(image, archive, List.of("example.org/app:v1"));

        JsonNode inspected =
                json.readTree(Processes.run("skopeo", "inspect", "docker-archive:" + archive));
        assertThat(inspected.get("Layers")).hasSize(image.layers().size());
        assertThat(inspected.get("Env").get(0).asText())
                .isEqualTo("PATH=" + SampleImage.ENV + "/bin:/bin");
        TarEntries tar;
        try (InputStream in = Files.newInputStream(archive)) {
            tar = TarEntries.read(in);
        }
        JsonNode manifest = json.readTree(tar.contents.get("manifest.json"));
        assertThat(manifest.get(0).get("RepoTags").get(0).asText()).isEqualTo("example.org/app:v1");
        assertThat(manifest.get(0).get("Layers")).hasSize(image.layers().size());
        assertThat(tar.names()).contains("index.json", "oci-layout");
        assertThat(siblingsOf(archive)).containsExactly("image.tar");
        Path bundle = temp.resolve("bundle");
        Path layout = temp.resolve("from-archive");
        Processes.run("skopeo", "copy", "docker-archive:" + archive, "oci:" + layout + ":v1");
        Processes.run("umoci", "unpack", "--image", layout + ":v1", bundle.toString());
        assertThat(bundle.resolve("rootfs/opt/app.py")).hasContent("print('hello')");
    }

    private static List<String> siblingsOf(Path path) throws IOException {
        try (var entries = Files.list(path.getParent())) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(path.getFileName().toString()))
                    .sorted()
                    .toList();
        }
    }
}
