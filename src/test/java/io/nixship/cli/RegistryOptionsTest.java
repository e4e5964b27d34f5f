package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.registry.RegistryCredentials;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryOptionsTest {
    private final List<String> masked = new ArrayList<>();

    private static CliContext context(Map<String, String> env, String stdin) {
        return new CliContext(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                env,
                Path.of("."),
                false);
    }

    private static RegistryOptions options(String username, boolean passwordStdin) {
        RegistryOptions options = new RegistryOptions();
        options.username = username;
        options.passwordStdin = passwordStdin;
        return options;
    }

    @Test
    void thePasswordInputIsUsedAndMaskedWhenNoPasswordComesOnStandardInput() {
        Optional<RegistryCredentials> credentials =
                options("robot", false)
                        .credentials(
                                context(Map.of("INPUT_REGISTRY-PASSWORD", "s3cret"), ""),
                                masked::add);

        assertThat(credentials).contains(new RegistryCredentials("robot", "s3cret"));
        assertThat(masked).containsExactly("s3cret");
    }

    @Test
    void standardInputWinsOverTheInputAndBothAreMasked() {
        Optional<RegistryCredentials> credentials =
                options("robot", true)
                        .credentials(
                                context(
                                        Map.of("INPUT_REGISTRY-PASSWORD", "from-input"),
                                        "from-stdin\n"),
                                masked::add);

        assertThat(credentials).contains(new RegistryCredentials("robot", "from-stdin"));
        assertThat(masked).containsExactly("from-input", "from-stdin");
    }

    @Test
    void thePasswordInputWithoutAUserNameIsAUsageErrorThatDoesNotShowIt() {
        assertThatThrownBy(
                        () ->
                                options(null, false)
                                        .credentials(
                                                context(
                                                        Map.of("INPUT_REGISTRY-PASSWORD", "s3cret"),
                                                        ""),
                                                masked::add))
                .isInstanceOf(NixshipException.class)
                .hasMessage("the registry-password action input needs registry-username too")
                .matches(e -> ((NixshipException) e).exitCode() == NixshipException.USAGE);
        assertThat(masked).containsExactly("s3cret");
    }

    @Test
    void withoutAnyPasswordThereAreNoExplicitCredentials() {
        assertThat(
                        options(null, false)
                                .credentials(
                                        context(Map.of("INPUT_REGISTRY-PASSWORD", ""), ""),
                                        masked::add))
                .isEmpty();
        assertThat(masked).isEmpty();
    }
}
