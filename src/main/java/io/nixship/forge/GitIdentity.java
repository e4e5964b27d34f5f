package io.nixship.forge;

import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.lib.PersonIdent;

/** Who nixship commits as; also how it recognises its own commits on a branch. */
public record GitIdentity(String name, String email) {
    public static final GitIdentity DEFAULT =
            new GitIdentity("nixship", "nixship@users.noreply.github.com");

    public GitIdentity {
        if (name == null || name.isBlank() || email == null || email.isBlank()) {
            throw new IllegalArgumentException("git identity needs a name and an email");
        }
    }

    PersonIdent at(Instant when) {
        return new PersonIdent(name, email, when, ZoneOffset.UTC);
    }

    boolean wrote(PersonIdent person) {
        return person != null && email.equalsIgnoreCase(person.getEmailAddress());
    }
}
