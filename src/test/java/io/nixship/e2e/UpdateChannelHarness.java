package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The world {@code update-channel} runs in: the release harness (example repository, bare remote,
 * real registry) plus a channel server whose {@code nixos-24.05} is at rev1, a lock made with
 * {@code nixship lock} from it, and manifests that name the rev1 image, pushed. GitHub answers for
 * one pull request per channel branch: #21 for nixos-24.05, #22 for nixos-24.11.
 */
final class UpdateChannelHarness {
    static final String CHANNEL = TestNixpkgs.CHANNEL;
    static final String NEXT_CHANNEL = "nixos-24.11";
    static final String BRANCH = "nixship/channel-" + CHANNEL;
    static final String NEXT_BRANCH = "nixship/channel-" + NEXT_CHANNEL;
    static final String PULLS = ReleaseHarness.PULLS;

    /** The commit of the channel's third release, which holds rev2's tree. */
    static final String THIRD_REVISION = "0123456789abcdef0123456789abcdef01234567";

    final ReleaseHarness release;
    final ChannelServer channels;

    /** The image the manifests name before any update: built from the rev1 lock. */
    final String deployedImage;

    private UpdateChannelHarness(
            ReleaseHarness release, ChannelServer channels, String deployedImage) {
        this.release = release;
        this.channels = channels;
        this.deployedImage = deployedImage;
    }

    static UpdateChannelHarness create(
            Path dir, Path home, RegistryServer registry, ChannelServer channels) throws Exception {
        ReleaseHarness release = ReleaseHarness.create(dir, home, registry);
        channels.publish(CHANNEL, Revision.REV1);
        Files.delete(release.project.dir().resolve(NixpkgsLock.FILE_NAME));
        CliRun.Result locked =
                CliRun.offline(release.project.dir(), home)
                        .run(
                                "lock",
                                "--channel-url=" + channels.url(),
                                "--github-url=" + channels.url(),
                                "--channel",
                                CHANNEL);
        require(locked, "nixship lock");
        release.commitAndPush("pin nixpkgs to the channel");
        CliRun.Result built =
                CliRun.offline(release.project.dir(), home).run("build", "--to", release.image());
        require(built, "nixship build");
        String image = built.out().strip();
        release.project.write(
                ReleaseHarness.DEPLOYMENT,
                release.deployment().replace(release.image() + ":git-0000000", image));
        release.commitAndPush("deploy the rev1 image");
        return new UpdateChannelHarness(release, channels, image);
    }

    static WireMockExtension github() {
        return WireMockExtension.newInstance()
                .options(
                        wireMockConfig()
                                .dynamicPort()
                                .usingFilesUnderClasspath("e2e/update-channel/github"))
                .failOnUnmatchedRequests(true)
                .build();
    }

    /**
     * No pull request for either branch until one is created; then it is open and can be edited.
     */
    static void stubPullRequests(WireMockExtension github) {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/imgproxy-lite"))
                        .willReturn(ReleaseHarness.json(200, "repo.json")));
        stubPullRequest(github, BRANCH, 21);
        stubPullRequest(github, NEXT_BRANCH, 22);
    }

    private static void stubPullRequest(WireMockExtension github, String branch, int number) {
        String scenario = branch;
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario(scenario)
                        .withQueryParam("head", equalTo("acme:" + branch))
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(ReleaseHarness.emptyList()));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario(scenario)
                        .withRequestBody(matchingJsonPath("$.head", equalTo(branch)))
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(ReleaseHarness.json(201, "pr-" + number + ".json"))
                        .willSetStateTo("open"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario(scenario)
                        .withQueryParam("head", equalTo("acme:" + branch))
                        .whenScenarioStateIs("open")
                        .willReturn(ReleaseHarness.json(200, "pr-" + number + "-list.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/" + number))
                        .willReturn(ReleaseHarness.json(200, "pr-" + number + ".json")));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/imgproxy-lite/issues/" + number + "/labels"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBodyFile("labels.json")));
    }

    /** The channel moves again: a third release, rev2's tree under another commit. */
    void publishThirdRelease() {
        channels.publish(
                CHANNEL,
                CHANNEL + ".1003.0123456789ab",
                THIRD_REVISION,
                TestNixpkgs.get().tarball(Revision.REV2));
    }

    CliRun.Result updateChannel(String apiUrl, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "update-channel",
                                "--remote",
                                release.remoteUrl(),
                                "--channel-url=" + channels.url(),
                                "--github-url=" + channels.url(),
                                "--json"));
        args.addAll(List.of(extra));
        return release.cli(apiUrl).run(args.toArray(String[]::new));
    }

    NixpkgsLock lockOnBranch(String branch) throws IOException {
        String text = release.fileOnRemoteBranch(branch, NixpkgsLock.FILE_NAME);
        return NixpkgsLock.parse(
                text.getBytes(StandardCharsets.UTF_8), branch + ":" + NixpkgsLock.FILE_NAME);
    }

    /** The changed-package rows of a freeze diff table: {@code "requests upgraded"}, ... */
    static List<String> packageChanges(String markdown) {
        Matcher row =
                Pattern.compile("(?m)^\\| `(\\S+)` \\| [^|]+ \\| [^|]+ \\| \\S+ (\\w+) \\|$")
                        .matcher(markdown);
        List<String> changes = new ArrayList<>();
        while (row.find()) {
            changes.add(row.group(1) + " " + row.group(2));
        }
        return changes;
    }

    /**
     * Rev1's tarball with {@code default.nix} replaced by one whose Python fails to build, packed
     * deterministically like the test nixpkgs.
     */
    static Path brokenTarball(Path target) throws IOException {
        byte[] brokenDefault;
        try (InputStream in =
                UpdateChannelHarness.class.getResourceAsStream(
                        "/e2e/update-channel/broken-default.nix")) {
            brokenDefault = in.readAllBytes();
        }
        GzipParameters gzip = new GzipParameters();
        gzip.setModificationTime(0);
        try (InputStream file = Files.newInputStream(TestNixpkgs.get().tarball(Revision.REV1));
                TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(file));
                OutputStream outFile = Files.newOutputStream(target);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(outFile, gzip);
                TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TarArchiveEntry entry = in.getNextEntry();
                    entry != null;
                    entry = in.getNextEntry()) {
                byte[] content = entry.isDirectory() ? new byte[0] : in.readAllBytes();
                if (entry.getName().endsWith("/default.nix")
                        && entry.getName().indexOf('/') == entry.getName().length() - 12) {
                    content = brokenDefault;
                }
                TarArchiveEntry copy =
                        new TarArchiveEntry(
                                entry.getName(),
                                entry.isDirectory()
                                        ? TarArchiveEntry.LF_DIR
                                        : TarArchiveEntry.LF_NORMAL);
                copy.setModTime(entry.getModTime());
                copy.setIds(0, 0);
                copy.setNames("root", "root");
                copy.setMode(entry.getMode());
                copy.setSize(content.length);
                out.putArchiveEntry(copy);
                out.write(content);
                out.closeArchiveEntry();
            }
        }
        return target;
    }

    private static void require(CliRun.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed: " + result.err());
        }
    }
}
