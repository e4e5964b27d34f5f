package io.nixship.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nixship.testsupport.TestNixpkgs.Processes;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class TestNixpkgsTest {

    private static final String REV1_FREEZE =
            """
      blinker==1.5
      certifi==2022.9.24
      chardet==5.1.0
      charset-normalizer==3.0.1
      click==8.1.3
      Flask==2.2.2
      idna==3.3
      itsdangerous==2.1.2
      Jinja2==3.1.2
      MarkupSafe==2.1.2
      olefile==0.46
      Pillow==9.4.0
      requests==2.28.1
      six==1.16.0
      urllib3==1.26.12
      waitress==2.1.2
      Werkzeug==2.2.2
      """;

    private final TestNixpkgs nixpkgs = TestNixpkgs.get();

    @Test
    void packsTheSameBytesEveryTime(@TempDir Path dir) throws IOException {
        Path again = dir.resolve("again.tar.gz");
        TestNixpkgs.writeTarball(TestNixpkgs.sourceDir(), Revision.REV1, again);

        assertThat(Files.readAllBytes(again))
                .isEqualTo(Files.readAllBytes(nixpkgs.tarball(Revision.REV1)));
        assertThat(nixpkgs.fileUrl(Revision.REV1)).startsWith("file:///").endsWith("/rev1.tar.gz");
    }

    @Test
    void hashIsTheNarHashOfTheUnpackedTopDirectory() {
        for (Revision revision : Revision.values()) {
            Path top = nixpkgs.unpackedDir(revision);
            String narHash =
                    Processes.run(
                            List.of(
                                    TestNix.program("nix-hash"),
                                    "--type",
                                    "sha256",
                                    "--base32",
                                    top.toString()),
                            Map.of());

            assertThat(top.resolve("default.nix")).isRegularFile();
            assertThat(top.resolve("revision.nix"))
                    .hasContent(contentOf("revisions/" + revision.label() + ".nix"));
            assertThat(narHash.strip()).isEqualTo(nixpkgs.sha256(revision));
        }
        assertThat(nixpkgs.sha256(Revision.REV1)).isNotEqualTo(nixpkgs.sha256(Revision.REV2));
    }

    @Test
    void seedEnvironmentRunsInAChrootHoldingOnlyItsClosure(@TempDir Path root) throws IOException {
        Path env = nixpkgs.seedEnv(Revision.REV1);
        List<String> closure =
                Processes.run(
                                List.of(TestNix.program("nix-store"), "-qR", env.toString()),
                                Map.of())
                        .lines()
                        .toList();
        Files.createDirectories(root.resolve("nix/store"));
        for (String storePath : closure) {
            Processes.run(List.of("cp", "-a", storePath, root + storePath), Map.of());
        }
        String python = env.resolve("bin/python3").toString();

        String freeze = inChroot(root, python, "-m", "pip", "freeze");
        String imports =
                inChroot(
                        root,
                        python,
                        "-c",
                        "import flask, requests, PIL.Image, waitress, sys; print(all(p.startswith('/nix/store/') for p in sys.path if p))");

        assertThat(freeze).isEqualTo(REV1_FREEZE).isEqualTo(nixpkgs.expectedFreeze(Revision.REV1));
        assertThat(imports).isEqualTo("True\n");
        assertThat(closure).allMatch(p -> p.startsWith("/nix/store/"));
    }

    @Test
    void nixShellOfTheSeedSeesTheSameFreezeAsTheBuiltEnvironment() {
        String shellFreeze =
                Processes.run(
                        List.of(
                                TestNix.program("nix-shell"),
                                TestNixpkgs.seedDefaultNix().toString(),
                                "--run",
                                "python3 -m pip freeze"),
                        Map.of("NIX_PATH", nixpkgs.nixPath(Revision.REV1)));

        assertThat(shellFreeze).isEqualTo(nixpkgs.expectedFreeze(Revision.REV1));
    }

    @Test
    void rev2ChangesExactlyTheBumpedAddedAndDroppedPackages() {
        Map<String, String> rev1 = versions(nixpkgs.expectedFreeze(Revision.REV1));
        Map<String, String> rev2 = versions(nixpkgs.expectedFreeze(Revision.REV2));

        Set<String> changed = new TreeSet<>();
        rev1.forEach(
                (name, version) -> {
                    if (rev2.containsKey(name) && !rev2.get(name).equals(version)) {
                        changed.add(name + " " + version + " -> " + rev2.get(name));
                    }
                });
        Set<String> added = new TreeSet<>(rev2.keySet());
        added.removeAll(rev1.keySet());
        Set<String> removed = new TreeSet<>(rev1.keySet());
        removed.removeAll(rev2.keySet());

        assertThat(changed)
                .containsExactly(
                        "Werkzeug 2.2.2 -> 2.3.8",
                        "certifi 2022.9.24 -> 2024.2.2",
                        "requests 2.28.1 -> 2.31.0");
        assertThat(added).containsExactly("python-dotenv");
        assertThat(removed).containsExactly("olefile");
    }

    @Test
    void exampleLockPinsRev1ByItsCurrentHash() throws IOException {
        Path lockFile = TestNixpkgs.seedDefaultNix().resolveSibling("nixship.lock");
        Map<?, ?> lock =
                new ObjectMapper(new YAMLFactory()).readValue(lockFile.toFile(), Map.class);
        Map<?, ?> expected =
                new ObjectMapper(new YAMLFactory())
                        .readValue(nixpkgs.lockYaml(Revision.REV1), Map.class);

        assertThat(lock.get("sha256")).isEqualTo(nixpkgs.sha256(Revision.REV1));
        assertThat(lock.keySet()).isEqualTo(expected.keySet());
        for (String field : List.of("channel", "release", "revision")) {
            assertThat(lock.get(field)).as(field).isEqualTo(expected.get(field));
        }
        assertThat(lockFile.resolveSibling(lock.get("url").toString()).normalize())
                .isEqualTo(nixpkgs.tarball(Revision.REV1));
    }

    private static String inChroot(Path root, String... command) {
        List<String> full =
                new ArrayList<>(List.of("/usr/bin/env", "-i", "/usr/sbin/chroot", root.toString()));
        full.addAll(Arrays.asList(command));
        return Processes.run(full, Map.of());
    }

    private static Map<String, String> versions(String freeze) {
        Map<String, String> versions = new LinkedHashMap<>();
        freeze.lines()
                .forEach(
                        line -> {
                            String[] nameAndVersion = line.split("==", 2);
                            versions.put(nameAndVersion[0], nameAndVersion[1]);
                        });
        return versions;
    }

    private static String contentOf(String relative) {
        try {
            return Files.readString(TestNixpkgs.sourceDir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
