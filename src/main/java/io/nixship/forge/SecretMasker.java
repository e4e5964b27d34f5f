package io.nixship.forge;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Redacts known secrets from text before it is printed or written. Secrets are registered as they
 * are read or derived (tokens, passwords, registry bearer tokens); longer secrets are replaced
 * first so that a secret containing another one is fully hidden.
 */
public final class SecretMasker {
    public static final String REDACTED = "***";

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** Registers a secret; returns false when it was blank or already known. */
    public synchronized boolean register(String secret) {
        if (secret == null || secret.isBlank() || secrets.contains(secret)) {
            return false;
        }
        secrets.add(secret);
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return true;
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, REDACTED);
        }
        return masked;
    }
}
