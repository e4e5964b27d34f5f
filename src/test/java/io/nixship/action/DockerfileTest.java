package io.nixship.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checks hadolint would make that matter here (hadolint is not packaged for Debian 12): pinned
 * bases, no piped installers, the intended user and home, the packages the image is meant to hold
 * and nothing else. ActionImageIT runs the image that .ci/action-image builds.
 */
class DockerfileTest {
    private static final Pattern FROM =
            Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern ARG = Pattern.compile("(?i)^ARG\\s+(\\w+)=(\\S+)$");
    private static final Pattern DIGEST_PINNED =
            Pattern.compile("[a-z0-9./_-]+(:[\\w.-]+)?@sha256:[0-9a-f]{64}");
    private static final Pattern JDK = Pattern.compile("openjdk-(\\d+)-(jdk|jre)-headless");

    private static List<String> instructions;

    /** Instructions with their continuation lines joined and comments dropped. */
    @BeforeAll
    static void read() throws IOException {
        instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            if (line.strip().startsWith("#") || line.isBlank()) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
    }

    private static List<String> named(String keyword) {
        return instructions.stream()
                .filter(i -> i.toUpperCase(Locale.ROOT).startsWith(keyword + " "))
                .toList();
    }

    /** The defaults of the arguments declared before the first FROM, which FROM lines may use. */
    private static Map<String, String> baseArguments() {
        Map<String, String> arguments = new HashMap<>();
        for (String instruction : instructions) {
            if (instruction.toUpperCase(Locale.ROOT).startsWith("FROM ")) {
                break;
            }
            Matcher m = ARG.matcher(instruction);
            if (m.matches()) {
                arguments.put(m.group(1), m.group(2));
            }
        }
        return arguments;
    }

    private static String resolved(String image, Map<String, String> arguments) {
        Matcher reference = Pattern.compile("^\\$\\{(\\w+)}$").matcher(image);
        return reference.matches() && arguments.containsKey(reference.group(1))
                ? arguments.get(reference.group(1))
                : image;
    }

    @Test
    void everyBaseImageIsPinnedByDigestOrIsAnEarlierStage() {
        Map<String, String> arguments = baseArguments();
        Set<String> stages = new HashSet<>();
        List<String> froms = named("FROM");
        assertThat(froms).hasSize(2);
        for (String from : froms) {
            Matcher m = FROM.matcher(from);
            assertThat(m.matches()).as(from).isTrue();
            String base = resolved(m.group(1), arguments);
            assertThat(stages.contains(base) || DIGEST_PINNED.matcher(base).matches())
                    .as("%s names its base by digest", from)
                    .isTrue();
            if (m.group(2) != null) {
                stages.add(m.group(2));
            }
        }
        assertThat(froms.get(0).split(" ")[1])
                .as("both stages on the same base")
                .isEqualTo(froms.get(1).split(" ")[1]);
    }

    @Test
    void theBaseIsDebian13WhoseNixEvaluatesCurrentNixpkgs() {
        String base =
                resolved(FROM.matcher(named("FROM").get(0)).replaceFirst("$1"), baseArguments());
        assertThat(base).startsWith("debian:trixie-slim@sha256:");
    }

    @Test
    void nothingIsDownloadedAndPipedIntoAShell() {
        for (String instruction : instructions) {
            assertThat(instruction)
                    .as(instruction)
                    .doesNotContainPattern("(?i)(curl|wget)[^|;&]*\\|\\s*(sudo\\s+)?(ba|z|da)?sh")
                    .doesNotContainPattern("(?i)^ADD\\s+https?://");
        }
    }

    @Test
    void theImageRunsAsRootWithAWritableHomeAndCacheAndTheEntrypointInExecForm() {
        List<String> users = named("USER");
        assertThat(users).isNotEmpty();
        assertThat(users.get(users.size() - 1)).isEqualTo("USER root");
        assertThat(named("ENV"))
                .anySatisfy(
                        env ->
                                assertThat(env)
                                        .contains(
                                                "HOME=/root", "XDG_CACHE_HOME=/var/cache/nixship"));
        assertThat(instructions)
                .contains(
                        "COPY docker/entrypoint.sh /opt/nixship/entrypoint.sh",
                        "ENTRYPOINT [\"/opt/nixship/entrypoint.sh\"]",
                        "WORKDIR /github/workspace");
        assertThat(Path.of("docker/entrypoint.sh")).isExecutable();
    }

    @Test
    void theRuntimeHoldsNixJavaIsaLGitAndCertificatesOnlyWithBuildUsersAndAnUnprivilegedNixUser() {
        List<String> installs =
                instructions.stream().filter(i -> i.contains("apt-get install")).toList();
        assertThat(installs).hasSize(2);
        String jdk =
                packages(installs.get(0)).stream()
                        .filter(p -> JDK.matcher(p).matches())
                        .findFirst()
                        .orElseThrow();
        Matcher version = JDK.matcher(jdk);
        assertThat(version.matches()).isTrue();
        assertThat(Integer.parseInt(version.group(1)))
                .as("the pom compiles for release 25")
                .isGreaterThanOrEqualTo(25);
        assertThat(packages(installs.get(0)))
                .containsExactlyInAnyOrder(
                        "openjdk-" + version.group(1) + "-jdk-headless", "maven");
        assertThat(packages(installs.get(1)))
                .as("the runtime JVM is the build's, so its archive matches")
                .containsExactlyInAnyOrder(
                        "nix-bin",
                        "openjdk-" + version.group(1) + "-jre-headless",
                        "libisal2",
                        "git",
                        "ca-certificates");
        assertThat(installs)
                .allSatisfy(
                        i ->
                                assertThat(i)
                                        .contains(
                                                "--no-install-recommends",
                                                "rm -rf /var/lib/apt/lists/*"));
        // Debian's nix-bin ships no /etc/nix: the directory is made before nix.conf is written.
        // Builds run as nixbld users; the sandbox is the entrypoint's to set, at start.
        assertThat(instructions)
                .anySatisfy(
                        i ->
                                assertThat(i)
                                        .contains(
                                                "groupadd --system nixbld",
                                                "--gid nixbld --groups nixbld",
                                                "'build-users-group = nixbld'",
                                                "--comment \"Nix evaluation for nixship\" nixship")
                                        .doesNotContain("sandbox")
                                        .containsPattern(
                                                "mkdir -p /etc/nix .*> /etc/nix/nix.conf"));
        assertThat(instructions)
                .anySatisfy(
                        i ->
                                assertThat(i)
                                        .startsWith("ENV ")
                                        .contains(" NIXSHIP_NIX_USER=nixship "));
    }

    @Test
    void theJarIsBuiltByMavenAndShippedWithTheAheadOfTimeCacheTrainedOnIt() {
        assertThat(instructions)
                .contains(
                        "COPY scripts/aot-train ./scripts/aot-train",
                        "COPY examples/imgproxy-lite/k8s ./examples/imgproxy-lite/k8s",
                        "RUN mvn -B -q package -DskipTests",
                        "COPY --from=build /src/target/nixship.jar /opt/nixship/nixship.jar",
                        "COPY --from=build /src/target/nixship.aot /opt/nixship/nixship.aot");
        assertThat(named("ENV"))
                .anySatisfy(
                        env ->
                                assertThat(env)
                                        .contains("NIXSHIP_AOT_CACHE=/opt/nixship/nixship.aot"));
    }

    private static List<String> packages(String install) {
        String afterInstall =
                install.substring(install.indexOf("apt-get install") + "apt-get install".length());
        String words = afterInstall.split("&&")[0];
        return Arrays.stream(words.trim().split(" ")).filter(w -> !w.startsWith("-")).toList();
    }
}
