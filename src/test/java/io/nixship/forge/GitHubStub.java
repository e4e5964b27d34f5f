package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.github.GitHub;

/** A WireMock GitHub serving the JSON under src/test/resources/forge/github, failing on strays. */
final class GitHubStub {
    static final String TOKEN = "ghs_TESTTOKEN0123456789abcdef";
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

    private GitHubStub() {}

    static WireMockExtension extension() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().usingFilesUnderClasspath("forge/github"))
                .failOnUnmatchedRequests(true)
                .build();
    }

    static ResponseDefinitionBuilder json(String file) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBodyFile(file);
    }

    static ResponseDefinitionBuilder json(int status, String file) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBodyFile(file);
    }

    static void stubRepository(WireMockExtension github) {
        github.stubFor(get(urlPathEqualTo("/repos/acme/shop")).willReturn(json("repo.json")));
    }

    /** Records waits instead of waiting. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = new ArrayList<>();

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
        }
    }

    static GitHub connect(WireMockExtension github, RecordingSleeper sleeper) {
        return GitHubApi.connect(
                github.baseUrl(),
                TOKEN,
                new GitHubRateLimits(
                        sleeper, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15), 2));
    }
}
