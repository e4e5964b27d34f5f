package io.nixship.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullRequestEventTest {
    @TempDir Path temp;

    @Test
    void aPullRequestEventGivesNumberCommitsAndTheBaseRepository() throws Exception {
        Path event = temp.resolve("event.json");
        Files.writeString(
                event,
                "{\"number\": 7, \"pull_request\": {\"number\": 7,"
                        + " \"head\": {\"sha\": \"abc\", \"repo\": {\"full_name\": \"fork/shop\"}},"
                        + " \"base\": {\"sha\": \"def\", \"repo\": {\"full_name\": \"acme/shop\"}}}}");

        assertThat(PullRequestEvent.read(event))
                .isEqualTo(new PullRequestEvent(7, "abc", "def", "acme/shop"));
    }

    @Test
    void aPushEventIsNotAPullRequest() throws Exception {
        Path event = temp.resolve("push.json");
        Files.writeString(event, "{\"ref\": \"refs/heads/main\", \"after\": \"abc\"}");

        assertThatThrownBy(() -> PullRequestEvent.read(event))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("has no pull_request");
    }
}
