package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import io.nixship.testsupport.TestNix;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds two real store paths with nix-build and checks the image of their closure with umoci. */
@Tag("nix")
class RealStoreImageTest {
    private static Closure closure;

    @TempDir Path temp;

    @BeforeAll
    static void build() throws Exception {
        Path expression = Path.of("src/test/resources/image/two-packages.nix").toAbsolutePath();
        String out =
                Processes.run(
                                TestNix.program("nix-build"),
                                "--option",
                                "substituters",
                                "",
                                "--no-out-link",
                                expression.toString())
                        .lines()
                        .reduce((first, last) -> last)
                        .orElseThrow()
                        .trim();
        List<StorePathInfo> paths = new ArrayList<>();
        for (String path :
                Processes.run(TestNix.program("nix-store"), "-qR", out).lines().sorted().toList()) {
            long size =
                    Long.parseLong(
                            Processes.run(TestNix.program("nix-store"), "-q", "--size", path)
                                    .trim());
            List<String> references =
                    Processes.run(TestNix.program("nix-store"), "-q", "--references", path)
                            .lines()
                            .filter(r -> !r.equals(path))
                            .toList();
            paths.add(new StorePathInfo(path, size, references));
        }
        closure = new Closure(out, paths);
    }

    private String path(String nameSuffix) {
        return closure.paths().stream()
                .map(StorePathInfo::path)
                .filter(p -> p.endsWith(nameSuffix))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void imageOfARealClosureKeepsItsSymlinksModesAndDeepNames() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("app.py"), "print('real')\n");
        ImageAssembler assembler = new ImageAssembler(new LayerBlobStore(temp.resolve("cache")));
        List<List<String>> plan = new ClosureLayerPlanner().plan(closure);

        OciImage image = assembler.assemble(closure, plan, app, SampleImage.settings()).image();
        Path layout = temp.resolve("layout");
        new OciLayoutWriter().write(image, layout, "real");
        Path bundle = temp.resolve("bundle");
        Processes.run("umoci", "unpack", "--image", layout + ":real", bundle.toString());

        String dep = path("-nixship-test-dep-1.0");
        String top = path("-nixship-test-top-2.0");
        assertThat(plan).containsExactly(List.of(dep), List.of(top));
        Path rootfs = bundle.resolve("rootfs");
        assertThat(Files.readSymbolicLink(rootfs.resolve(top.substring(1)).resolve("bin/dep-data")))
                .hasToString(dep + "/lib/data.txt");
        assertThat(rootfs.resolve(dep.substring(1)).resolve("lib/data.txt")).hasContent("dep-data");
        assertThat(
                        Files.readSymbolicLink(
                                rootfs.resolve(dep.substring(1)).resolve("lib/relative-link")))
                .hasToString("data.txt");
        assertThat(
                        Files.readSymbolicLink(
                                rootfs.resolve(dep.substring(1)).resolve("lib/dangling-link")))
                .hasToString("/nix/store/00000000000000000000000000000000-missing/x");
        assertThat(Files.isExecutable(rootfs.resolve(top.substring(1)).resolve("bin/run")))
                .isTrue();
        String deep = String.join("/", IntStream.range(0, 20).mapToObj(i -> "level" + i).toList());
        assertThat(
                        rootfs.resolve(top.substring(1))
                                .resolve("share")
                                .resolve(deep)
                                .resolve("file-at-depth.txt"))
                .hasContent("top");
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin"))).hasToString(top + "/bin");

        TarEntries topLayer;
        try (InputStream in = new GZIPInputStream(image.layers().get(1).blob().content().open())) {
            topLayer = TarEntries.read(in);
        }
        assertThat(topLayer.get(top.substring(1) + "/").getMode()).isEqualTo(0555);
        assertThat(topLayer.get(top.substring(1) + "/bin/run").getMode()).isEqualTo(0555);
        assertThat(Arrays.asList(topLayer.names().toArray(String[]::new))).isSorted();
    }
}
