package io.nixship.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void aDurationReadsBackAsItWasWritten() {
        for (String written : new String[] {"90s", "30m", "2h", "45s", "90m", "1s"}) {
            assertThat(DurationText.parse(written).map(DurationText::format))
                    .as(written)
                    .contains(written);
        }
    }

    @Test
    void theLargestExactUnitIsChosen() {
        assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofSeconds(150))).isEqualTo("150s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void zeroAndOtherUnitsAreNotDurations() {
        assertThat(DurationText.parse("0s")).isEmpty();
        assertThat(DurationText.parse("PT30M")).isEmpty();
        assertThat(DurationText.parse("30")).isEmpty();
        assertThat(DurationText.parse("2d")).isEmpty();
    }
}
