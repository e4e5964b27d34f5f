package io.nixship.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code nixship} launcher script, run on a stand-in jar in a copy of the checkout layout. */
class LauncherTest {
    @TempDir Path checkout;

    private Path jar;
    private Path cache;

    @BeforeEach
    void standInJar() throws IOException {
        Path launcher = checkout.resolve("nixship");
        Files.copy(Path.of("nixship"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sources = Files.createDirectories(checkout.resolve("src"));
        Files.writeString(
                sources.resolve("Hello.java"),
                "public class Hello { public static void main(String[] args) {"
                        + " System.out.println(\"hello \" + String.join(\" \", args)); } }");
        Path classes = Files.createDirectories(checkout.resolve("classes"));
        int compiled =
                ToolProvider.getSystemJavaCompiler()
                        .run(
                                null,
                                null,
                                null,
                                "-d",
                                classes.toString(),
                                sources.resolve("Hello.java").toString());
        assertThat(compiled).isZero();
        jar = Files.createDirectories(checkout.resolve("target")).resolve("nixship.jar");
        writeJar(List.of());
        cache = checkout.resolve("target/nixship.aot");
    }

    /** The stand-in jar: Hello plus {@code extraEntries} (empty files), so a rebuild can differ. */
    private void writeJar(List<String> extraEntries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("Hello.class"));
            out.write(Files.readAllBytes(checkout.resolve("classes/Hello.class")));
            out.closeEntry();
            for (String entry : extraEntries) {
                out.putNextEntry(new JarEntry(entry));
                out.closeEntry();
            }
        }
    }

    private Run launch(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(checkout.resolve("nixship").toString());
        builder.command().addAll(List.of(args));
        builder.environment().remove("NIXSHIP_JAVA_OPTS");
        builder.environment().putAll(env);
        Path stderr = checkout.resolve("stderr");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        return new Run(code, out, Files.readString(stderr));
    }

    private record Run(int exitCode, String out, String err) {}

    /**
     * A cache trained on the stand-in jar with the launcher's JVM options, as scripts/aot-train
     * does.
     */
    private void trainCache() throws IOException, InterruptedException {
        Process java =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-XX:-UsePerfData",
                                "-XX:+UseSerialGC",
                                "-XX:CompileThresholdScaling=10",
                                "-XX:AOTCacheOutput=" + cache,
                                "-jar",
                                jar.toString(),
                                "training")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        assertThat(java.waitFor()).isZero();
        assertThat(cache).exists();
    }

    @Test
    void secretsReachTheJvmOnDescriptorThreeAndNeverItsEnvironment() throws Exception {
        // A JDK 25 whose java shows the environment it was started with and what descriptor 3
        // holds.
        Path jdk = Files.createDirectories(checkout.resolve("jdk/bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(
                java,
                "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/environ\necho --\n"
                        + "tr '\\0' '\\n' < \"$NIXSHIP_SECRETS_FILE\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run run =
                launch(
                        Map.of(
                                "JAVA_HOME", jdk.toString(),
                                "GITHUB_TOKEN", "ghs_launcherTOKEN",
                                "INPUT_REGISTRY-PASSWORD", "launcher-pAssw0rd",
                                "ACTIONS_RUNTIME_TOKEN", "launcher-runtime-token"),
                        "build");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String environment = run.out().substring(0, run.out().indexOf("--\n"));
        String handed = run.out().substring(run.out().indexOf("--\n") + 3);
        assertThat(environment)
                .contains("NIXSHIP_SECRETS_FILE=/dev/fd/3\n")
                .doesNotContain("ghs_launcherTOKEN", "launcher-pAssw0rd", "launcher-runtime-token");
        assertThat(handed.lines())
                .containsExactly(
                        "GITHUB_TOKEN=ghs_launcherTOKEN",
                        "INPUT_REGISTRY-PASSWORD=launcher-pAssw0rd");
    }

    @Test
    void runsTheJarWithoutACache() throws Exception {
        Run run = launch(Map.of(), "a", "b");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello a b\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void loadsClassesFromTheCacheWhenItIsNewerThanTheJar() throws Exception {
        trainCache();
        Path classLog = checkout.resolve("classes.log");

        Run run =
                launch(Map.of("NIXSHIP_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "a");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello a\n");
        assertThat(run.err()).isEmpty();
        assertThat(Files.readAllLines(classLog))
                .anyMatch(line -> line.contains("Hello source: shared objects file"));
    }

    @Test
    void ignoresACacheOlderThanTheJarAndPrintsNothingAboutIt() throws Exception {
        trainCache();
        Files.setLastModifiedTime(cache, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        Run run = launch(Map.of(), "a");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello a\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aCacheThatDoesNotFitTheJarIsSkippedSilently() throws Exception {
        trainCache();
        writeJar(List.of("rebuilt.txt"));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        Run run = launch(Map.of(), "a");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello a\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aCacheFileThatIsNoCacheIsSkippedSilently() throws Exception {
        Files.writeString(cache, "not an ahead-of-time cache");

        Run run = launch(Map.of(), "a");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello a\n");
        assertThat(run.err()).isEmpty();
    }
}
