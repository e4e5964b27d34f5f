package io.nixship.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docker/entrypoint.sh run by bash with a stub {@code java} on PATH that records its argv. */
class EntrypointTest {
    private static final Path ENTRYPOINT = Path.of("docker/entrypoint.sh").toAbsolutePath();

    @TempDir Path tmp;
    private Path argvFile;
    private Path canary;

    record Run(int exitCode, String stderr, List<String> javaArgv) {}

    @BeforeEach
    void stubJava() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGV_FILE\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        argvFile = tmp.resolve("argv");
        canary = tmp.resolve("pwned");
    }

    private Run run(Map<String, String> inputs, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ENTRYPOINT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", tmp.resolve("bin") + ":/usr/bin:/bin");
        env.put("ARGV_FILE", argvFile.toString());
        env.putAll(inputs);
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        List<String> argv = Files.exists(argvFile) ? Files.readAllLines(argvFile) : List.of();
        return new Run(exit, stderr, argv);
    }

    @Test
    void secretsReachTheJvmOnDescriptorThreeAndNeverItsEnvironment() throws Exception {
        // A java that shows the environment it was started with and what descriptor 3 holds.
        Files.writeString(
                tmp.resolve("bin/java"),
                "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/environ > \"$ARGV_FILE.environ\"\n"
                        + "tr '\\0' '\\n' < \"$NIXSHIP_SECRETS_FILE\" > \"$ARGV_FILE.handed\"\n");

        Run run =
                run(
                        Map.of(
                                "INPUT_COMMAND", "build",
                                "INPUT_GITHUB-TOKEN", "ghs_entrypointTOKEN",
                                "INPUT_REGISTRY-PASSWORD", "entrypoint-pAssw0rd\nline two",
                                "ACTIONS_RUNTIME_TOKEN", "runtime-token-value",
                                "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "id-token-value"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.readString(tmp.resolve("argv.environ")))
                .contains("NIXSHIP_SECRETS_FILE=/dev/fd/3\n", "INPUT_COMMAND=build\n")
                .doesNotContain(
                        "ghs_entrypointTOKEN",
                        "entrypoint-pAssw0rd",
                        "runtime-token-value",
                        "id-token-value");
        assertThat(Files.readString(tmp.resolve("argv.handed")))
                .isEqualTo(
                        "INPUT_GITHUB-TOKEN=ghs_entrypointTOKEN\n"
                                + "INPUT_REGISTRY-PASSWORD=entrypoint-pAssw0rd\nline two\n");
    }

    /**
     * Every input action.yml says is masked is handed over as a secret, not left in the
     * environment.
     */
    @Test
    void everyMaskedInputIsHandedOverAsASecret() throws Exception {
        var inputs =
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                        .readTree(Path.of("action.yml").toFile())
                        .path("inputs");
        List<String> handed =
                Files.readAllLines(ENTRYPOINT).stream()
                        .filter(line -> line.startsWith("handed_secrets=("))
                        .flatMap(line -> List.of(line.replaceAll("[()]", " ").split(" +")).stream())
                        .toList();
        inputs.properties()
                .forEach(
                        input -> {
                            String description = input.getValue().path("description").asText();
                            if (description.toLowerCase(java.util.Locale.ROOT).contains("masked")) {
                                assertThat(handed)
                                        .contains(
                                                "INPUT_"
                                                        + input.getKey()
                                                                .toUpperCase(
                                                                        java.util.Locale.ROOT));
                            }
                        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"release", "build", "comment", "update-channel", "diff", "verify"})
    void anAllowedCommandIsPassedAsOneArgumentToTheJar(String name) throws Exception {
        Run run = run(Map.of("INPUT_COMMAND", name, "INPUT_IMAGE", "ghcr.io/acme/shop"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.javaArgv())
                .containsExactly(
                        "-Xlog:disable",
                        "-Xlog:all=warning:stderr",
                        "-XX:-UsePerfData",
                        "-XX:+UseSerialGC",
                        "-XX:CompileThresholdScaling=10",
                        "-jar",
                        "/opt/nixship/nixship.jar",
                        name);
    }

    @Test
    void noCommandInputMeansReleaseAndTheAheadOfTimeCacheIsUsedWhenPresent() throws Exception {
        Path cache = Files.writeString(tmp.resolve("nixship.aot"), "cache");

        Run run =
                run(Map.of("NIXSHIP_AOT_CACHE", cache.toString(), "NIXSHIP_JAR", "/x/nixship.jar"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.javaArgv())
                .containsExactly(
                        "-Xlog:disable",
                        "-Xlog:all=warning:stderr",
                        "-XX:-UsePerfData",
                        "-XX:+UseSerialGC",
                        "-XX:CompileThresholdScaling=10",
                        "-XX:AOTCache=" + cache,
                        "-Xlog:aot*=off:stderr",
                        "-Xlog:cds*=off:stderr",
                        "-jar",
                        "/x/nixship.jar",
                        "release");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "build; rm -rf /",
                "build --to evil",
                "$(touch pwned)",
                "`touch pwned`",
                "build\n::add-mask::x",
                "-jar",
                "Build",
                "bump",
                "freeze"
            })
    void anyOtherCommandIsRefusedWithExitTwoWithoutRunningOrEchoingIt(String hostile)
            throws Exception {
        Run run = run(Map.of("INPUT_COMMAND", hostile));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.javaArgv()).isEmpty();
        assertThat(canary).doesNotExist();
        assertThat(run.stderr())
                .isEqualTo(
                        "nixship: the command input must be one of: release, build, comment, update-channel, diff, verify\n");
    }

    @Test
    void argumentsAreRefusedSoTheCommandInputCannotBeBypassed() throws Exception {
        Run run = run(new HashMap<>(Map.of("INPUT_COMMAND", "build")), "freeze", "--image", "x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.javaArgv()).isEmpty();
        assertThat(run.stderr()).startsWith("nixship: the action takes no arguments");
    }
}
