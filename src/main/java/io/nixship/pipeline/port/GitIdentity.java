package io.nixship.pipeline.port;

/** Who nixship commits as; also how it recognises its own commits on a branch. */
public record GitIdentity(String name, String email) {
    public static final GitIdentity DEFAULT =
            new GitIdentity("nixship", "nixship@users.noreply.github.com");

    public GitIdentity {
        if (name == null || name.isBlank() || email == null || email.isBlank()) {
            throw new IllegalArgumentException("git identity needs a name and an email");
        }
    }
}
