package io.nixship.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GitHubRateLimitsTest {
    @Test
    void secondaryLimitWaitsHonourRetryAfterElseDoubleFromAMinuteCapped() {
        GitHubRateLimits limits =
                new GitHubRateLimits(d -> {}, Clock.systemUTC(), Duration.ofMinutes(5), 10);

        assertThat(limits.secondaryWait("7", 1)).isEqualTo(Duration.ofSeconds(7));
        assertThat(limits.secondaryWait(null, 1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(limits.secondaryWait(null, 2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(limits.secondaryWait(null, 3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(limits.secondaryWait(null, 4)).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.secondaryWait("3600", 1)).isEqualTo(Duration.ofMinutes(5));
    }
}
