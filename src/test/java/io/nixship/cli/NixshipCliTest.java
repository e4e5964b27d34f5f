package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.NixshipException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class NixshipCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CliContext context() {
        return new CliContext(
                new PrintWriter(out),
                new PrintWriter(err),
                new ByteArrayInputStream(new byte[0]),
                Map.of(),
                Path.of("/nonexistent"),
                false);
    }

    @Test
    void argumentsNamingASubcommandBuildOnlyThatSubcommand() {
        CommandLine commandLine =
                NixshipCli.commandLine(context(), new String[] {"build", "--help"});

        assertThat(commandLine.getSubcommands()).containsOnlyKeys("build");
    }

    @Test
    void argumentsWithoutASubcommandFirstBuildEverySubcommandSoHelpListsThemAll() {
        CommandLine commandLine = NixshipCli.commandLine(context(), new String[] {"--help"});

        assertThat(commandLine.execute("--help")).isZero();
        assertThat(commandLine.getSubcommands())
                .containsOnlyKeys(
                        "build",
                        "freeze",
                        "bump",
                        "lock",
                        "diff",
                        "comment",
                        "verify",
                        "release",
                        "update-channel");
        assertThat(out.toString()).contains("update-channel");
    }

    @Test
    void aMistypedSubcommandStillGetsTheFullListToSuggestFrom() {
        CommandLine commandLine = NixshipCli.commandLine(context(), new String[] {"biuld"});

        assertThat(commandLine.getSubcommands()).hasSize(9);
        assertThat(commandLine.execute("biuld")).isEqualTo(2);
    }

    @Test
    void anUnexpectedExceptionExitsThreeWithOneLineSayingItIsABugAndHowToSeeTheStackTrace() {
        CommandLine commandLine = failingWith(new IllegalStateException("no layers"));

        assertThat(commandLine.execute("fail")).isEqualTo(3);
        assertThat(err.toString())
                .isEqualTo(
                        "nixship: internal error, a bug in nixship:"
                                + " java.lang.IllegalStateException: no layers;"
                                + " run again with --stacktrace and report the stack trace\n");
    }

    @Test
    void anUnexpectedExceptionWithStacktraceAddsTheStackTrace() {
        CommandLine commandLine = failingWith(new IllegalStateException("no layers"));

        assertThat(commandLine.execute("--stacktrace", "fail")).isEqualTo(3);
        assertThat(err.toString())
                .startsWith(
                        "nixship: internal error, a bug in nixship:"
                                + " java.lang.IllegalStateException: no layers\n")
                .contains("\tat ");
    }

    @Test
    void anInputOutputFailureIsAFailedOperationNotABug() {
        CommandLine commandLine =
                failingWith(
                        new UncheckedIOException("cannot stage the app files", new IOException()));

        assertThat(commandLine.execute("fail")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("nixship: error: cannot stage the app files\n");
    }

    @Test
    void aConfigurationErrorExitsTwoAndAFailureOne() {
        assertThat(failingWith(NixshipException.usage("bad")).execute("fail")).isEqualTo(2);
        assertThat(failingWith(NixshipException.failure("down")).execute("fail")).isEqualTo(1);
    }

    /** The real command line with one more subcommand that throws {@code exception}. */
    private CommandLine failingWith(RuntimeException exception) {
        CommandLine commandLine = NixshipCli.commandLine(context(), new String[] {"fail"});
        commandLine.addSubcommand("fail", new Failing(exception));
        return commandLine;
    }

    @Command(name = "fail")
    record Failing(RuntimeException exception) implements Callable<Integer> {
        @Override
        public Integer call() {
            throw exception;
        }
    }
}
