package io.nixship.nix.channel;

import io.nixship.NixshipException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Finds the newest release of a channel the way channels.nixos.org publishes it: {@code
 * <base>/<channel>} redirects to a release directory such as {@code
 * https://releases.nixos.org/nixos/24.05/nixos-24.05.7376.b134951a4c9f}, whose {@code git-revision}
 * holds the commit and whose {@code nixexprs.tar.xz} is the source. The release directory's URL is
 * what gets pinned: unlike the channel URL it never changes content.
 */
public final class ChannelResolver {
    public static final URI DEFAULT_CHANNEL_BASE = URI.create("https://channels.nixos.org");
    public static final URI DEFAULT_GITHUB_BASE = URI.create("https://github.com");
    static final String TARBALL = "nixexprs.tar.xz";

    private final ChannelHttp http;
    private final URI channelBase;
    private final URI githubBase;

    /**
     * @param channelBase where channels live ({@code --channel-url})
     * @param githubBase where {@code github:} specs download from; tests serve archives on loopback
     */
    public ChannelResolver(ChannelHttp http, URI channelBase, URI githubBase) {
        this.http = http;
        this.channelBase = withoutTrailingSlash(channelBase);
        this.githubBase = withoutTrailingSlash(githubBase);
    }

    /** The real channel server and GitHub over the JDK HTTP client. */
    public static ChannelResolver standard() {
        return new ChannelResolver(new JdkChannelHttp(), DEFAULT_CHANNEL_BASE, DEFAULT_GITHUB_BASE);
    }

    /** Resolves a {@code --channel} value: a channel name or {@code github:NixOS/nixpkgs/<rev>}. */
    public ChannelRelease resolve(String spec) {
        ChannelSpec parsed = ChannelSpec.parse(spec);
        if (parsed instanceof ChannelSpec.GithubRevision github) {
            return github(github.revision());
        }
        return channel(((ChannelSpec.Channel) parsed).name());
    }

    /** The GitHub archive of one nixpkgs commit, named by its {@code github:} spec. */
    public ChannelRelease github(String revision) {
        if (!ChannelSpec.FULL_REVISION.matcher(revision).matches()) {
            throw NixshipException.usage(
                    "nixpkgs revision '"
                            + revision
                            + "' is not a full 40-character lowercase commit id");
        }
        ChannelSpec.GithubRevision github = new ChannelSpec.GithubRevision(revision);
        return new ChannelRelease(
                github.spec(), github.release(), revision, githubArchiveUrl(revision));
    }

    /**
     * {@code <github base>/NixOS/nixpkgs/archive/<rev>.tar.gz}; GitHub also resolves abbreviated
     * commit ids there.
     */
    public String githubArchiveUrl(String revision) {
        return githubBase + "/NixOS/nixpkgs/archive/" + revision + ".tar.gz";
    }

    /** True when the channel server publishes the channel (it redirects), false on 404. */
    public boolean channelExists(String channel) {
        // Validates the name before it becomes a URL path.
        ChannelSpec.parse(channel);
        URI uri = channelUri(channel);
        ChannelHttp.Response response = http.get(uri);
        if (response.status() == 404) {
            return false;
        }
        if (isRedirect(response.status()) || response.status() == 200) {
            return true;
        }
        throw unexpected(uri, response.status());
    }

    private ChannelRelease channel(String channel) {
        URI uri = channelUri(channel);
        ChannelHttp.Response response = http.get(uri);
        if (response.status() == 404) {
            throw NixshipException.usage(
                    "channel '"
                            + channel
                            + "' not found: "
                            + uri
                            + " answered HTTP 404; check --channel");
        }
        if (!isRedirect(response.status())) {
            if (response.status() / 100 == 2) {
                throw NixshipException.failure(
                        uri
                                + " answered HTTP "
                                + response.status()
                                + " instead of redirecting to a release; is --channel-url a Nix channel server?");
            }
            throw unexpected(uri, response.status());
        }
        URI releaseDir =
                response.location()
                        .map(location -> uri.resolve(location.trim()))
                        .orElseThrow(
                                () ->
                                        NixshipException.failure(
                                                uri
                                                        + " answered HTTP "
                                                        + response.status()
                                                        + " without a Location header"));
        String releaseUrl = withoutTrailingSlash(releaseDir).toString();
        String release = releaseUrl.substring(releaseUrl.lastIndexOf('/') + 1);
        if (release.isEmpty()) {
            throw NixshipException.failure(
                    uri + " redirected to " + releaseDir + ", which names no release directory");
        }
        String revision = gitRevision(URI.create(releaseUrl + "/git-revision"));
        return new ChannelRelease(channel, release, revision, releaseUrl + "/" + TARBALL);
    }

    private String gitRevision(URI uri) {
        ChannelHttp.Response response = http.get(uri);
        if (response.status() != 200) {
            throw NixshipException.failure(
                    "cannot read the release's commit: "
                            + uri
                            + " answered HTTP "
                            + response.status());
        }
        String revision = new String(response.body(), StandardCharsets.UTF_8).trim();
        if (!ChannelSpec.FULL_REVISION.matcher(revision).matches()) {
            throw NixshipException.failure(
                    uri
                            + " holds '"
                            + abbreviate(revision)
                            + "', not a 40-character git commit id");
        }
        return revision;
    }

    private URI channelUri(String channel) {
        return URI.create(channelBase + "/" + channel);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static NixshipException unexpected(URI uri, int status) {
        return NixshipException.failure(uri + " answered HTTP " + status + "; try again later");
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "..." : oneLine;
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }
}
