package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar and the ahead-of-time cache {@code mvn package} trains on it
 * (scripts/aot-train), as the launcher starts them.
 */
class PackagedJarIT {
    @TempDir Path temp;

    @Test
    void theLauncherLoadsNixshipsClassesFromTheCacheTrainedOnThisJar() throws IOException {
        Path classLog = temp.resolve("classes.log");
        CliRun settings =
                CliRun.offline(temp, temp.resolve("home"))
                        .env("NIXSHIP_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);

        CliRun.Result version = new LauncherRun(settings).run("--version");

        PackagedRuns.assertSucceeded(version);
        assertThat(version.out()).startsWith("nixship ");
        // --version alone is answered before picocli is built; with another option picocli
        // answers it: the same line.
        CliRun.Result throughPicocli =
                new LauncherRun(CliRun.offline(temp, temp.resolve("home")))
                        .run("--version", "--stacktrace");
        PackagedRuns.assertSucceeded(throughPicocli);
        assertThat(version.out()).isEqualTo(throughPicocli.out());
        assertThat(Files.readAllLines(classLog))
                .anyMatch(
                        line ->
                                line.contains(
                                        " io.nixship.cli.NixshipCli source: shared objects file"))
                .as("bump, which the training ran, though this run did not")
                .anyMatch(
                        line ->
                                line.contains(
                                        " io.nixship.cli.BumpCommand source: shared objects file"));
    }
}
