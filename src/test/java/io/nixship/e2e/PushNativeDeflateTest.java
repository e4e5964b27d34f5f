package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.freezeInPushedImage;
import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static io.nixship.e2e.PushFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.image.ImageLabels;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers deflated by ISA-L (the default where libisal2 is installed, as setup-debian-host does) and
 * by the JDK's zlib (the fallback, chosen by name): both pull with skopeo, pass gunzip's test and
 * unpack with umoci, and each gives one digest however often the commit is built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushNativeDeflateTest {
    private Path root;
    private ExampleProject project;
    private RegistryServer registry;

    @BeforeAll
    void start(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        registry = RegistryServer.start();
    }

    @AfterAll
    void stop() {
        registry.close();
    }

    /** A push from an empty HOME (no layer cache), so every layer is compressed anew. */
    private JsonNode pushFresh(String name, String... options) {
        CliRun cli = CliRun.offline(root, root.resolve("home-" + name));
        String[] args = new String[options.length + 1];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "--json";
        return json(push(cli, project, registry.host() + "/acme/" + name, args).out());
    }

    private void assertPullsAndUnpacks(String name, JsonNode pushed) {
        String reference = registry.host() + "/acme/" + name + ":" + pushed.path("tag").asText();
        Path work = root.resolve("pulled-" + name);
        assertThat(freezeInPushedImage(reference, work))
                .isEqualTo(TestNixpkgs.get().expectedFreeze(Revision.REV1));
        JsonNode manifest = rawManifest(reference);
        for (JsonNode layer : manifest.path("layers")) {
            String blob = layer.path("digest").asText().replace("sha256:", "");
            run(List.of("gunzip", "-t", work.resolve("layout/blobs/sha256/" + blob).toString()));
        }
    }

    private String compressionOf(String name, JsonNode pushed) {
        return rawManifest(registry.host() + "/acme/" + name + ":" + pushed.path("tag").asText())
                .path("annotations")
                .path(ImageLabels.LAYER_COMPRESSION_ANNOTATION)
                .asText();
    }

    @Test
    void isaLLayersPullAndUnpackAndTwoBuildsOfTheCommitGiveOneDigest() {
        JsonNode first = pushFresh("isal-one");
        JsonNode second = pushFresh("isal-two", "--deflate", "isal");

        assertThat(second.path("digest").asText()).isEqualTo(first.path("digest").asText());
        assertThat(compressionOf("isal-one", first)).matches("gzip-3-.*-isal-[0-9.]+");
        assertPullsAndUnpacks("isal-one", first);
    }

    @Test
    void zlibIsUsedWhenNamedAndGivesItsOwnDigestThatPullsAndUnpacks() {
        JsonNode isal = pushFresh("auto");
        JsonNode zlib = pushFresh("zlib-one", "--deflate", "zlib");
        JsonNode again = pushFresh("zlib-two", "--deflate", "zlib");

        assertThat(zlib.path("digest").asText())
                .isEqualTo(again.path("digest").asText())
                .isNotEqualTo(isal.path("digest").asText());
        assertThat(compressionOf("zlib-one", zlib))
                .isEqualTo("gzip-3-blocks-1048576-incompressible-stored");
        assertPullsAndUnpacks("zlib-one", zlib);
    }
}
