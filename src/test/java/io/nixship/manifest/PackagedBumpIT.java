package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nixship bump} through the shipped launcher and jar: the whole manifest corpus byte for
 * byte, the per-file report and {@code --json}, the warnings, the exit codes, and a stdout that
 * holds only the diff even when the JVM has something to complain about.
 */
class PackagedBumpIT {
    private static final String DIGEST = "sha256:" + "b".repeat(64);
    private static final String IMAGE = "ghcr.io/acme/shop:2.0.0@" + DIGEST;
    private static final String DEPLOYMENT =
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop
            spec:
              template:
                spec:
                  initContainers:
                  - name: migrate
                    image: %s
                  containers:
                  - name: shop
                    image: ghcr.io/acme/shop:1.0.0
            """
                    .formatted(IMAGE);

    static Stream<String> cases() throws IOException {
        return ManifestCorpusTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theLauncherBumpsEachCorpusCaseToTheExpectedBytes(String name) throws IOException {
        Path caseDir = ManifestCorpusTest.corpus().resolve(name);
        Path work = workDir(name);
        ManifestCorpusTest.copyTree(caseDir.resolve("in"), work);
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(caseDir.resolve("case.properties"))) {
            properties.load(in);
        }
        String[] args = {
            "bump",
            "--image",
            properties.getProperty("image"),
            "--pin",
            properties.getProperty("pin"),
            "--manifests",
            properties.getProperty("manifests")
        };

        CliRun.Result bumped = launch(work, args);

        String refused = properties.getProperty("refused");
        if (refused != null) {
            assertThat(bumped.exitCode()).as(bumped.err()).isEqualTo(2);
            assertThat(bumped.err()).contains(refused).contains("nothing was written");
        } else {
            assertThat(bumped.exitCode()).as(bumped.err()).isZero();
        }
        assertThat(bumped.out()).as("stdout is the diff alone").matches("(?s)(--- a/.*)?");
        for (Path expected : ManifestCorpusTest.files(caseDir.resolve("out"))) {
            Path relative = caseDir.resolve("out").relativize(expected);
            assertThat(Files.readAllBytes(work.resolve(relative.toString())))
                    .as(relative.toString())
                    .isEqualTo(Files.readAllBytes(expected));
        }
    }

    @Test
    void eachReferenceIsReportedPerFileOnStderrAndAsJson() throws IOException {
        Path work = workDir("report");
        Files.writeString(work.resolve("deploy.yaml"), DEPLOYMENT);

        CliRun.Result checked =
                launch(work, "bump", "--image", IMAGE, "--manifests", ".", "--check", "--json");

        assertThat(checked.exitCode()).as(checked.err()).isEqualTo(1);
        assertThat(checked.err())
                .contains("deploy.yaml:10: " + IMAGE + " (already current)\n")
                .contains("deploy.yaml:13: ghcr.io/acme/shop:1.0.0 would move to " + IMAGE + "\n")
                .contains("1 of 2 reference(s) to ghcr.io/acme/shop would move in 1 file(s)");
        JsonNode json = new ObjectMapper().readTree(checked.out());
        assertThat(json.path("changed").asBoolean()).isTrue();
        assertThat(json.path("references")).hasSize(2);
        assertThat(json.path("references").get(0).path("moved").asBoolean()).isFalse();
        assertThat(json.path("references").get(1).path("before").asText())
                .isEqualTo("ghcr.io/acme/shop:1.0.0");
        assertThat(json.path("references").get(1).path("after").asText()).isEqualTo(IMAGE);
        assertThat(json.path("references").get(1).path("form").asText()).isEqualTo("image_string");
        assertThat(json.path("diff").asText()).startsWith("--- a/deploy.yaml\n");
        assertThat(Files.readString(work.resolve("deploy.yaml"))).isEqualTo(DEPLOYMENT);
    }

    @Test
    void argoCdValuesThatCannotBeEditedInPlaceAreReportedWithTheReasonAndNothingIsWritten()
            throws IOException {
        Path work = workDir("folded-values");
        String application =
                """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: shop
                spec:
                  source:
                    chart: shop
                    helm:
                      parameters:
                      - {name: worker.image, value: ghcr.io/acme/shop:1.0.0}
                      values: >
                        image: {repository: ghcr.io/acme/shop, tag: 1.0.0}
                """;
        Files.writeString(work.resolve("app.yaml"), application);

        CliRun.Result result = launch(work, "bump", "--image", IMAGE, "--manifests", ".", "--json");
        CliRun.Result plain = launch(work, "bump", "--image", IMAGE, "--manifests", ".");
        CliRun.Result check = launch(work, "bump", "--image", IMAGE, "--manifests", ".", "--check");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains("app.yaml:10: ghcr.io/acme/shop:1.0.0 would move to " + IMAGE + "\n")
                .contains(
                        "app.yaml:12: ghcr.io/acme/shop:1.0.0 not moved to "
                                + IMAGE
                                + ": helm.values is a folded block (>)")
                .contains("1 of 2 reference(s) to ghcr.io/acme/shop would move in 1 file(s)")
                .contains(
                        "app.yaml:12: ghcr.io/acme/shop:1.0.0 cannot be moved in place:"
                                + " helm.values is a folded block (>)")
                .contains("nothing was written");
        JsonNode references = new ObjectMapper().readTree(result.out()).path("references");
        assertThat(references).hasSize(2);
        assertThat(references.get(0).path("form").asText()).isEqualTo("image_string");
        assertThat(references.get(0).path("notMoved").isNull()).isTrue();
        assertThat(references.get(1).path("form").asText()).isEqualTo("helm_map");
        assertThat(references.get(1).path("moved").asBoolean()).isFalse();
        assertThat(references.get(1).path("notMoved").asText())
                .startsWith("helm.values is a folded block (>)");
        assertThat(plain.exitCode()).as(plain.err()).isEqualTo(2);
        assertThat(plain.out()).isEmpty();
        assertThat(check.exitCode()).as(check.err()).isEqualTo(2);
        assertThat(Files.readString(work.resolve("app.yaml"))).isEqualTo(application);
    }

    @Test
    void aStringNamingTheImageWhereNoReferenceIsReadIsAWarningNotASilentSuccess()
            throws IOException {
        Path work = workDir("unread");
        Files.writeString(
                work.resolve("deploy.yaml"),
                DEPLOYMENT
                        + "---\napiVersion: v1\nkind: ConfigMap\ndata:\n  job.yaml: |\n"
                        + "    image: ghcr.io/acme/shop:1.0.0\n");

        CliRun.Result result =
                launch(
                        work,
                        "bump",
                        "--image",
                        IMAGE,
                        "--manifests",
                        "deploy.yaml",
                        "--check",
                        "--json");

        int line = (int) DEPLOYMENT.lines().count() + 6;
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.err())
                .contains(
                        "warning: deploy.yaml:"
                                + line
                                + ": names ghcr.io/acme/shop in a string nixship does not read"
                                + " as an image");
        JsonNode unread = new ObjectMapper().readTree(result.out()).path("unreadMentions");
        assertThat(unread).hasSize(1);
        assertThat(unread.get(0).path("line").asInt()).isEqualTo(line);
    }

    @Test
    void aPathWithoutTheImageIsNamedOnStderrAndNothingChanges() throws IOException {
        Path work = workDir("typo");
        Files.createDirectories(work.resolve("k8s"));
        Files.writeString(work.resolve("k8s/deploy.yaml"), DEPLOYMENT);

        CliRun.Result result =
                launch(
                        work,
                        "bump",
                        "--image",
                        "ghcr.io/acme/shopp:2.0.0",
                        "--pin",
                        "tag",
                        "--manifests",
                        "k8s/");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains("warning: k8s/ holds no reference to ghcr.io/acme/shopp; check the");
        assertThat(Files.readString(work.resolve("k8s/deploy.yaml"))).isEqualTo(DEPLOYMENT);
    }

    @Test
    void anInvalidDigestInAKustomizeEntryIsAnErrorNamingFileAndField() throws IOException {
        Path work = workDir("bad-digest");
        String kustomization =
                "images:\n- name: ghcr.io/acme/shop\n  newTag: 1.0.0\n  digest: sha256:abc\n";
        Files.writeString(work.resolve("kustomization.yaml"), kustomization);

        CliRun.Result result = launch(work, "bump", "--image", IMAGE, "--manifests", ".");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains(
                        "kustomization.yaml:4: digest 'sha256:abc' of the images entry for"
                                + " ghcr.io/acme/shop is invalid (the digest 'sha256:abc' is not"
                                + " algorithm:hex); correct it or empty it");
        assertThat(Files.readString(work.resolve("kustomization.yaml"))).isEqualTo(kustomization);
    }

    @Test
    void chartTemplatesAreSkippedWithANoticeAndCheckExitsZeroOneOrTwo() throws IOException {
        Path work = workDir("chart");
        Files.createDirectories(work.resolve("chart/templates"));
        Files.writeString(work.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: shop\n");
        String values = "image:\n  repository: ghcr.io/acme/shop\n  tag: 1.0.0\n";
        Files.writeString(work.resolve("chart/values.yaml"), values);
        Files.writeString(
                work.resolve("chart/templates/deployment.yaml"),
                "metadata:\n  name: {{ .Release.Name }}\n{{- with .Values.x }}\n{{- end }}\n");
        String[] check = {"bump", "--image", IMAGE, "--manifests", "chart", "--check"};

        CliRun.Result wouldChange = launch(work, check);
        CliRun.Result bumped = launch(work, "bump", "--image", IMAGE, "--manifests", "chart");
        CliRun.Result current = launch(work, check);
        Files.writeString(work.resolve("chart/broken.yaml"), "image: [ghcr.io/acme/shop:1\n");
        CliRun.Result broken = launch(work, check);

        assertThat(wouldChange.exitCode()).as(wouldChange.err()).isEqualTo(1);
        assertThat(wouldChange.err())
                .contains(
                        "skipped chart/templates/deployment.yaml: a Helm template, not YAML"
                                + " (nixship edits the chart's values files)\n");
        assertThat(bumped.exitCode()).as(bumped.err()).isZero();
        assertThat(Files.readString(work.resolve("chart/values.yaml")))
                .isEqualTo(values.replace("tag: 1.0.0", "tag: 2.0.0@" + DIGEST));
        assertThat(current.exitCode()).as(current.err()).isZero();
        assertThat(current.out()).isEmpty();
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("chart/broken.yaml:").contains("invalid YAML");
        assertThat(broken.out()).isEmpty();
    }

    /**
     * Two JVMs with the same pid sharing /tmp (containers do) make HotSpot warn "Cannot use file
     * /tmp/hsperfdata_root/1 because it is locked by another process", on stdout by default. Here a
     * mount namespace gets its own /tmp/hsperfdata_root with that file locked, and a pid namespace
     * makes the JVM pid 1: the plain JVM prints the warning to stdout, the launcher's JVM does not.
     */
    @Test
    void noJvmMessageReachesStdoutEvenWhenItsPerfDataFileIsLocked() throws Exception {
        Path work = workDir("hsperfdata");
        Files.writeString(work.resolve("deploy.yaml"), DEPLOYMENT);
        Path jar = Path.of("target/nixship.jar").toAbsolutePath();

        CliRun.Result plainJava =
                inLockedPerfDataNamespace(
                        work,
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "bump",
                        "--image",
                        IMAGE,
                        "--manifests",
                        "deploy.yaml",
                        "--check");
        CliRun.Result launcher =
                inLockedPerfDataNamespace(
                        work,
                        Path.of("nixship").toAbsolutePath().toString(),
                        "bump",
                        "--image",
                        IMAGE,
                        "--manifests",
                        "deploy.yaml");

        assertThat(plainJava.out())
                .as("the namespace reproduces the warning")
                .contains("[warning][perf,memops] Cannot use file /tmp/hsperfdata_root/1");
        assertThat(launcher.exitCode()).as(launcher.err()).isZero();
        assertThat(launcher.out())
                .startsWith("--- a/deploy.yaml\n+++ b/deploy.yaml\n")
                .doesNotContain("warning")
                .doesNotContain("hsperfdata");
        assertThat(launcher.out().lines())
                .allMatch(line -> line.matches("(---|\\+\\+\\+|@@| |-|\\+).*"));
        assertThat(Files.readString(work.resolve("deploy.yaml")))
                .isEqualTo(DEPLOYMENT.replace("ghcr.io/acme/shop:1.0.0", IMAGE));
    }

    private static CliRun.Result inLockedPerfDataNamespace(Path work, String... command)
            throws IOException, InterruptedException {
        String script =
                """
                set -e
                # Only the perf-data directory is private: the checkout may itself live in /tmp.
                mkdir -p /tmp/hsperfdata_root
                mount -t tmpfs -o mode=755 tmpfs /tmp/hsperfdata_root
                # The shell itself holds the lock before the JVM starts (a background flock
                # raced a busy machine); the JVM gets no copy of the descriptor.
                exec 9> /tmp/hsperfdata_root/1
                flock --nonblock 9
                unshare --pid --fork "$@" 9>&-
                """;
        List<String> line =
                new ArrayList<>(List.of("unshare", "--mount", "bash", "-c", script, "-"));
        line.addAll(List.of(command));
        Path out = work.resolve(".out");
        Path err = work.resolve(".err");
        Process process =
                new ProcessBuilder(line)
                        .directory(work.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        CliRun.Result result =
                new CliRun.Result(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    private static CliRun.Result launch(Path work, String... args) {
        return new LauncherRun(CliRun.offline(work, work.resolve(".home"))).run(args);
    }

    /** A fresh directory under target/. */
    private static Path workDir(String name) throws IOException {
        Path dir = Path.of("target", "packaged-bump-it", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(dir);
    }
}
