package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NixshipCliTest {
    private final StringWriter out = new StringWriter();

    private CliContext context() {
        return new CliContext(
                new PrintWriter(out),
                new PrintWriter(new StringWriter()),
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
}
