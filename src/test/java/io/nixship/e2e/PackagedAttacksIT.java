package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.image.Digests;
import io.nixship.image.ImageLabels;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.CraftedTrees;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.RunnerCommands;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks a pull request can make on {@code ./nixship}, the packaged jar as the action runs it,
 * each failing closed: a {@code .nixship.yaml} that sets {@code PATH} for Nix, a checkout that
 * ships programs named like Nix's for a relative {@code PATH} entry, Nix output shaped to be read
 * as workflow commands, a crafted tree that writes through a symlink out of the snapshot, and an
 * image whose freeze label holds names and versions shaped as markdown for the diff comment.
 */
class PackagedAttacksIT {
    private static final String MARKER = "PWNED-7f3a";
    private static final List<String> NIX_PROGRAMS =
            List.of("nix", "nix-build", "nix-instantiate", "nix-store", "nix-prefetch-url");

    @TempDir Path temp;

    private ExampleProject project() {
        return ExampleProject.create(temp.resolve("project"), Revision.REV1);
    }

    private CliRun cli(ExampleProject project) {
        return CliRun.offline(project.dir(), temp.resolve("home"));
    }

    /** Programs named like Nix's in {@code bin/} that leave a mark when run. */
    private Path impostors(ExampleProject project) throws IOException {
        Path mark = temp.resolve("impostor-ran");
        for (String name : NIX_PROGRAMS) {
            project.write("bin/" + name, "#!/bin/sh\ntouch '" + mark + "'\necho impostor\n");
            Files.setPosixFilePermissions(
                    project.dir().resolve("bin/" + name),
                    PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return mark;
    }

    @Test
    void aConfigThatSetsPathForNixIsRefusedNamingTheFieldAndRunsNothing() throws IOException {
        ExampleProject project = project();
        Path mark = impostors(project);
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        project.write(
                ".nixship.yaml",
                config.replace("nix:\n", "nix:\n  env:\n    PATH: bin\n    BUILD: \"1\"\n"));
        project.commitAll("nix.env PATH into the checkout");

        CliRun.Result result =
                new LauncherRun(cli(project)).run("build", "--to", "oci:" + temp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains(".nixship.yaml:")
                .contains("nix.env.PATH: PATH may not be set");
        assertThat(mark).doesNotExist();
        assertThat(temp.resolve("out")).doesNotExist();
    }

    @Test
    void programsAreNeverTakenFromARelativePathEntryIntoTheCheckout() throws IOException {
        ExampleProject project = project();
        Path mark = impostors(project);
        project.commitAll("programs named like Nix's");
        Map<String, String> env = new HashMap<>(cli(project).environment());
        env.put("PATH", "bin:./bin:" + env.get("PATH"));
        env.remove("NIXSHIP_NIX_BIN");
        CliRun cli = new CliRun(project.dir(), env);

        CliRun.Result result =
                new LauncherRun(cli).run("build", "--to", "oci:" + temp.resolve("out"));

        assertThat(mark).as(result.err()).doesNotExist();
        assertThat(result.all()).doesNotContain("impostor");
    }

    @Test
    void nixOutputShapedAsWorkflowCommandsRunsNoneInActions() throws IOException {
        ExampleProject project = project();
        // ##[ in the middle of a line; :: after Unicode spaces the runner trims (EM SPACE, NBSP,
        // IDEOGRAPHIC SPACE); a capitalised command name; the same in the error Nix ends with.
        project.write(
                "attack.nix",
                "builtins.trace \"built ##[set-output name=pwned]"
                        + MARKER
                        + "\\n\u2003::set-output name=pwned::"
                        + MARKER
                        + "\\n\u00a0::add-mask::"
                        + MARKER
                        + "\\n\u3000::SET-ENV name=X::"
                        + MARKER
                        + "\" (throw \"stop ##[add-mask]"
                        + MARKER
                        + "\\n\u2003::set-output name=pwned::"
                        + MARKER
                        + "\")\n");
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        project.write(".nixship.yaml", config.replace("nix:\n", "nix:\n  file: attack.nix\n"));
        project.commitAll("workflow commands in Nix output");
        CliRun cli = cli(project).env("GITHUB_ACTIONS", "true");

        CliRun.Result result =
                new LauncherRun(cli).run("build", "--to", "oci:" + temp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isNotZero();
        assertThat(result.all()).contains(MARKER);
        List<RunnerCommands.Command> commands = RunnerCommands.processed(result.all());
        assertThat(commands)
                .as(result.all())
                .noneMatch(
                        command ->
                                List.of("set-output", "add-mask", "set-env")
                                                .contains(command.name().toLowerCase(Locale.ROOT))
                                        && command.line().contains(MARKER));
        assertThat(commands)
                .extracting(command -> command.name().toLowerCase(Locale.ROOT))
                .doesNotContain("set-output", "set-env");
    }

    @Test
    void aTreeThatWritesThroughASymlinkIsRefusedAndNothingLandsOutsideTheSnapshot()
            throws IOException {
        ExampleProject project = project();
        project.commitAll("base");
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        String crafted =
                CraftedTrees.commit(
                        project.git().getRepository(),
                        "main",
                        "HEAD",
                        List.of(
                                CraftedTrees.Entry.symlink("a", elsewhere.toString()),
                                CraftedTrees.Entry.directory("a", "file", "pwned\n")));

        CliRun.Result result =
                new LauncherRun(cli(project))
                        .run("build", "--commit", crafted, "--to", "oci:" + temp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("'a/file' under the symlink or file 'a'");
        assertThat(elsewhere.resolve("file")).doesNotExist();
        assertThat(temp.resolve("out")).doesNotExist();
    }

    @Test
    void aRegistryThatAcceptsAndNeverAnswersFailsTheBuildWithinItsLimitNamingTheHost()
            throws IOException {
        ExampleProject project = project();
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread accept =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        held.add(stalled.accept());
                                    }
                                } catch (IOException closed) {
                                    // the test is over
                                }
                            });
            accept.setDaemon(true);
            accept.start();
            String host = "127.0.0.1:" + stalled.getLocalPort();
            long start = System.nanoTime();

            CliRun.Result result =
                    new LauncherRun(cli(project))
                            .run("build", "--registry-timeout", "2s", "--to", host + "/acme/app:t");

            // Six tries of at most two seconds each plus the retry policy's waits (~30 s at most).
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(90));
            assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
            assertThat(result.err()).contains("registry " + host).contains("after 6 attempts");
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aCachedLayerAlteredOnDiskAtTheSameSizeIsRebuiltNotShipped() throws IOException {
        ExampleProject project = project();
        Path cache = temp.resolve("cache");
        LauncherRun nixship = new LauncherRun(cli(project));
        CliRun.Result first =
                nixship.run(
                        "build",
                        "--cache-dir",
                        cache.toString(),
                        "--to",
                        "oci:" + temp.resolve("a"));
        assertThat(first.exitCode()).as(first.all()).isZero();
        List<Path> cached;
        try (var files = Files.walk(cache)) {
            cached =
                    files.filter(Files::isRegularFile)
                            .filter(file -> file.getParent().endsWith("blobs/sha256"))
                            .toList();
        }
        assertThat(cached).isNotEmpty();
        for (Path blob : cached) {
            byte[] bytes = Files.readAllBytes(blob);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(blob, bytes);
        }

        CliRun.Result second =
                nixship.run(
                        "build",
                        "--cache-dir",
                        cache.toString(),
                        "--to",
                        "oci:" + temp.resolve("b"));

        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(Files.readString(temp.resolve("b/index.json")))
                .isEqualTo(Files.readString(temp.resolve("a/index.json")));
        try (var blobs = Files.list(temp.resolve("b/blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                assertThat(Digests.sha256(Files.readAllBytes(blob)))
                        .as(blob.toString())
                        .isEqualTo("sha256:" + blob.getFileName());
            }
        }
    }

    @Test
    void hostileNamesAndVersionsInAFreezeLabelDiffOnlyInsideCodeInMarkdown() throws IOException {
        // Names pip's pin syntax refuses come in as editable locations; the rest as versions.
        List<String> hostile =
                List.of(
                        "@octocat",
                        "#123",
                        "[x](http://evil)",
                        "![i](http://evil/i.png)",
                        "<img src=x>",
                        "**b**");
        String freeze =
                String.join(
                        "\n",
                        "-e @octocat",
                        "-e #123",
                        "-e <img src=x>",
                        "-e **b**",
                        "mention==@octocat",
                        "issue==#123",
                        "link==[x](http://evil)",
                        "image==![i](http://evil/i.png)",
                        "bold==**b**");
        Path before = ociLayoutWithFreeze(temp.resolve("before"), "requests==2.31.0\n");
        Path after = ociLayoutWithFreeze(temp.resolve("after"), freeze + "\n");

        CliRun.Result result =
                new LauncherRun(CliRun.offline(temp, temp.resolve("home")))
                        .run("diff", "oci:" + before, "oci:" + after, "--format", "markdown");

        assertThat(result.exitCode()).as(result.err()).isZero();
        String markdown = result.out();
        String fencesRemoved =
                Pattern.compile("(?ms)^(`{3,})[^\\n]*\\n.*?^\\1$").matcher(markdown).replaceAll("");
        Matcher spans = Pattern.compile("(`+)(.+?)\\1").matcher(fencesRemoved);
        StringBuilder inSpans = new StringBuilder();
        while (spans.find()) {
            inSpans.append(spans.group(2)).append('\n');
        }
        String outsideCode = spans.replaceAll("");
        for (String text : hostile) {
            assertThat(inSpans.toString()).as(markdown).contains(text);
            assertThat(outsideCode).as(markdown).doesNotContain(text);
        }
        assertThat(outsideCode)
                .as(markdown)
                .doesNotContain("@octocat")
                .doesNotContain("](http")
                .doesNotContain("<img")
                .doesNotContain("**b**");
    }

    /** A one-image OCI layout with no layers whose config carries {@code freeze} as its label. */
    private static Path ociLayoutWithFreeze(Path layout, String freeze) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        config.putObject("config").putObject("Labels").put(ImageLabels.FREEZE_LABEL, freeze);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        byte[] configBytes = json.writeValueAsBytes(config);
        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config")
                .put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", blob(layout, configBytes))
                .put("size", configBytes.length);
        manifest.putArray("layers");
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests")
                .addObject()
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", blob(layout, manifestBytes))
                .put("size", manifestBytes.length);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        return layout;
    }

    private static String blob(Path layout, byte[] bytes) throws IOException {
        String digest = Digests.sha256(bytes);
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.write(blobs.resolve(Digests.hex(digest)), bytes);
        return digest;
    }
}
