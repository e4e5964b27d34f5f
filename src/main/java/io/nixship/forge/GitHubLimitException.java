package io.nixship.forge;

import java.io.IOException;

/**
 * A GitHub rate limit that nixship decided not to wait out; its message is the one line to show.
 */
final class GitHubLimitException extends IOException {
    GitHubLimitException(String message) {
        super(message);
    }
}
