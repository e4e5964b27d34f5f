package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.testsupport.TestNix;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class ClosureReaderTest {
    @TempDir static Path shared;
    private static String outPath;

    private final NixTestSettings nix = new NixTestSettings();

    @BeforeAll
    static void buildTheChain() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(shared);
        NixSettings settings = new NixTestSettings().settings;
        String nixpkgs =
                new NixpkgsFetcher(new SystemProcessRunner(), settings)
                        .fetch(fake.lock(fake.fileUrl()), fake.fileUrl(), "nixship.lock")
                        .storePath();
        Path src = shared.resolve("src");
        Files.createDirectories(src);
        Files.copy(
                Path.of(ClosureReaderTest.class.getResource("/nix/chain/default.nix").toURI()),
                src.resolve("default.nix"));
        outPath =
                new NixBuilder(new SystemProcessRunner(), settings)
                        .build(
                                new BuildRequest(
                                        src,
                                        "default.nix",
                                        "",
                                        Map.of("BUILD", "1"),
                                        nixpkgs,
                                        shared.resolve("result")))
                        .outPath();
    }

    @Test
    void readsEveryPathWithItsSizeAndReferences() throws Exception {
        Closure closure = new ClosureReader(new SystemProcessRunner(), nix.settings).read(outPath);
        assertThat(closure.outPath()).isEqualTo(outPath);
        assertThat(closure.paths())
                .extracting(StorePathInfo::name)
                .containsExactlyInAnyOrder(
                        "nixship-test-base", "nixship-test-lib", "nixship-test-env");
        assertThat(closure.paths()).extracting(StorePathInfo::path).isSorted();
        StorePathInfo env = find(closure, "nixship-test-env");
        StorePathInfo lib = find(closure, "nixship-test-lib");
        StorePathInfo base = find(closure, "nixship-test-base");
        assertThat(env.references()).containsExactly(lib.path());
        assertThat(lib.references()).containsExactly(base.path());
        assertThat(base.references()).isEmpty();
        for (StorePathInfo info : closure.paths()) {
            assertThat(info.narSize()).isEqualTo(sizeByNixStore(info.path()));
        }
        assertThat(closure.totalNarSize())
                .isEqualTo(env.narSize() + lib.narSize() + base.narSize());
    }

    @Test
    void closureOverTheLimitFailsNamingTheLargestPaths() {
        ClosureReader reader = new ClosureReader(new SystemProcessRunner(), nix.settings);
        assertThat(reader.read(outPath, OptionalLong.of(1L << 30)).paths()).hasSize(3);
        assertThatThrownBy(() -> reader.read(outPath, OptionalLong.of(100)))
                .isInstanceOfSatisfying(
                        NixException.class,
                        e -> assertThat(e.kind()).isEqualTo(NixFailureKind.CLOSURE_TOO_LARGE))
                .hasMessageStartingWith("the closure of " + outPath + " is ")
                .hasMessageContaining(
                        "over the limit of 100 B (nix.maxClosureSize); largest: nixship-test-");
    }

    @Test
    void parsesDumpDbRecordsDroppingSelfReferences() throws IOException, URISyntaxException {
        String text =
                Files.readString(
                        Path.of(getClass().getResource("/nix/dump-db.txt").toURI()),
                        StandardCharsets.UTF_8);
        assertThat(ClosureReader.parseDumpDb(text))
                .containsExactly(
                        new StorePathInfo(
                                "/nix/store/818xpkhp3bglqqcn8rngcl04xk0ckagb-a", 120, List.of()),
                        new StorePathInfo(
                                "/nix/store/icj31vrvdfzbwah067y1ksn9ydckp175-c",
                                560,
                                List.of(
                                        "/nix/store/818xpkhp3bglqqcn8rngcl04xk0ckagb-a",
                                        "/nix/store/nng4bxhwwbyrx9pjqhw7hnpqzhw332vm-b")),
                        new StorePathInfo(
                                "/nix/store/nng4bxhwwbyrx9pjqhw7hnpqzhw332vm-b",
                                328,
                                List.of("/nix/store/818xpkhp3bglqqcn8rngcl04xk0ckagb-a")));
    }

    @Test
    void truncatedDumpDbIsAnError() {
        assertThatThrownBy(
                        () ->
                                ClosureReader.parseDumpDb(
                                        "/nix/store/x-a\nhash\n12\n\n3\n/nix/store/y\n"))
                .hasMessageStartingWith("unexpected nix-store --dump-db output");
    }

    private static StorePathInfo find(Closure closure, String name) {
        return closure.paths().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static long sizeByNixStore(String path) throws Exception {
        Process process =
                new ProcessBuilder(TestNix.program("nix-store"), "--query", "--size", path).start();
        String out =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).isZero();
        return Long.parseLong(out);
    }
}
