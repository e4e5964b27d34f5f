package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;

/**
 * What every successful run of the packaged launcher leaves: exit 0 and no JVM or stack-trace
 * noise.
 */
final class PackagedRuns {
    private PackagedRuns() {}

    static void assertSucceeded(CliRun.Result result) {
        assertThat(result.exitCode()).as("exit code; stderr:\n%s", result.err()).isZero();
        assertQuietJvm(result);
    }

    /**
     * The launcher keeps the JVM's own warnings (class-data sharing, illegal access) off both
     * streams.
     */
    static void assertQuietJvm(CliRun.Result result) {
        assertThat(result.all()).doesNotContain("VM warning", "Exception", "\tat ", "WARNING:");
    }
}
