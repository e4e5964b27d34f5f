package io.nixship.nix;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A download Nix gave up on: the URL and curl's reason. Nix reports one the same way whether the
 * tarball of the lock, a {@code builtins.fetchurl} in the project's file, a fixed-output derivation
 * or a binary cache failed, and it is never a mistake in the Nix file that asked for it: the
 * network, the server or the URL is at fault, so it must not read as an evaluation error.
 *
 * @param url what could not be downloaded
 * @param reason curl's words, e.g. {@code Couldn't connect to server (7)} or {@code HTTP error 404}
 * @param meaning what that says for the user, e.g. {@code the host name does not resolve}
 * @param fromSubstituter true when a binary cache (a substituter) failed rather than a source
 */
record DownloadFailure(String url, String reason, String meaning, boolean fromSubstituter) {
    private static final Pattern UNABLE =
            Pattern.compile(
                    "^\\s*(warning:\\s*)?error:\\s*unable to download '([^']+)':\\s*(.*?)\\s*(;\\s*retrying in .*)?$");
    private static final Pattern SOURCE_THREW =
            Pattern.compile(
                    "^\\s*error:.*\\(Source threw exception: (error:\\s*unable to download .*)\\)\\s*$");
    private static final Pattern SUBSTITUTES_FAILED =
            Pattern.compile(
                    "^\\s*error:\\s*some substitutes for the outputs of derivation '[^']+' failed");
    private static final Pattern COPYING_FROM =
            Pattern.compile("^\\s*copying path '[^']+' from '([^']+)'");

    /** nixpkgs' {@code fetchurl} builder: it runs curl itself and ends with this line. */
    private static final Pattern NO_MIRROR =
            Pattern.compile("^\\s*error: cannot download (\\S+) from any mirror");

    private static final Pattern TRYING = Pattern.compile("^\\s*trying (\\S+)\\s*$");
    private static final Pattern CURL = Pattern.compile("^\\s*curl: \\((\\d+)\\) (.*)$");
    private static final Pattern HTTP_STATUS =
            Pattern.compile("HTTP error (\\d{3})|returned error: (\\d{3})");

    /** The download that made a Nix command fail, when a download did. */
    static Optional<DownloadFailure> in(List<String> lines) {
        Optional<DownloadFailure> substituter = substituter(lines);
        if (substituter.isPresent()) {
            return substituter;
        }
        for (String line : lines) {
            Matcher m = UNABLE.matcher(unwrapped(line));
            if (m.matches() && m.group(1) == null) {
                return Optional.of(of(m.group(2), m.group(3), false));
            }
        }
        return fromMirrors(lines);
    }

    /**
     * Nix 2.26 and later report a failed {@code fetchTarball} download inside the archive reader's
     * error: {@code error: Failed to open archive (Source threw exception: error: unable to
     * download ...)}; the inner error is the one that says what failed.
     */
    private static String unwrapped(String line) {
        Matcher wrapped = SOURCE_THREW.matcher(line);
        return wrapped.matches() ? wrapped.group(1) : line;
    }

    /**
     * One line for the user: what could not be downloaded, why, and what to check.
     *
     * @param neededBy what asked for the download, e.g. {@code default.nix}
     */
    String describe(String neededBy) {
        return "cannot download "
                + url
                + (fromSubstituter ? " from a substituter (binary cache)" : "")
                + " for "
                + neededBy
                + ": "
                + meaning
                + " ("
                + reason
                + "); "
                + (fromSubstituter
                        ? "check the network and the substituters in nix.conf"
                        : url.startsWith("file:")
                                ? "check that the file exists"
                                : "check the network and the URL, then re-run");
    }

    private static Optional<DownloadFailure> substituter(List<String> lines) {
        if (lines.stream().noneMatch(line -> SUBSTITUTES_FAILED.matcher(line).find())) {
            return Optional.empty();
        }
        Optional<DownloadFailure> lastWarning = Optional.empty();
        Optional<String> cache = Optional.empty();
        for (String line : lines) {
            Matcher unable = UNABLE.matcher(line);
            if (unable.matches()) {
                lastWarning = Optional.of(of(unable.group(2), unable.group(3), true));
            }
            Matcher copying = COPYING_FROM.matcher(line);
            if (copying.find()) {
                cache = Optional.of(copying.group(1));
            }
        }
        String cacheUrl = cache.orElse("a store path");
        return Optional.of(
                lastWarning.orElseGet(
                        () ->
                                new DownloadFailure(
                                        cacheUrl,
                                        "Nix: some substitutes failed",
                                        "the network or the substituter is unreachable",
                                        true)));
    }

    private static Optional<DownloadFailure> fromMirrors(List<String> lines) {
        String url = null;
        String reason = null;
        for (String line : lines) {
            Matcher trying = TRYING.matcher(line);
            if (trying.matches()) {
                url = trying.group(1);
            }
            Matcher curl = CURL.matcher(line);
            if (curl.matches()) {
                reason = curl.group(2) + " (" + curl.group(1) + ")";
            }
            Matcher noMirror = NO_MIRROR.matcher(line);
            if (noMirror.find()) {
                return Optional.of(
                        of(
                                url == null ? noMirror.group(1) : url,
                                reason == null ? "no mirror answered" : reason,
                                false));
            }
        }
        return Optional.empty();
    }

    private static DownloadFailure of(String url, String reason, boolean fromSubstituter) {
        return new DownloadFailure(url, reason, meaning(reason), fromSubstituter);
    }

    /** curl's error in words; curl's own text stays beside it for searching. */
    private static String meaning(String reason) {
        String lower = reason.toLowerCase(Locale.ROOT);
        Matcher status = HTTP_STATUS.matcher(reason);
        if (status.find()) {
            String code = status.group(1) != null ? status.group(1) : status.group(2);
            return code.startsWith("5")
                    ? "the server failed with HTTP " + code
                    : "the server answered HTTP " + code;
        }
        if (lower.contains("file://") || lower.contains("read a file")) {
            return "the file is missing or unreadable";
        }
        // Before "connect": curl says "SSL connect error".
        if (lower.contains("ssl") || lower.contains("tls") || lower.contains("certificate")) {
            return "the TLS connection failed";
        }
        if (lower.contains("resolve")) {
            return "the host name does not resolve";
        }
        if (lower.contains("connect")) {
            return "the network or the server is unreachable";
        }
        if (lower.contains("timeout") || lower.contains("timed out")) {
            return "the server did not answer in time";
        }
        return "the network or the server failed";
    }
}
