package io.nixship.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the {@code sha256:<hex>} form OCI uses. */
public final class Digests {
    private static final String PREFIX = "sha256:";

    private Digests() {}

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    public static String sha256(byte[] bytes) {
        return format(newSha256().digest(bytes));
    }

    public static String format(byte[] sha256) {
        return PREFIX + HexFormat.of().formatHex(sha256);
    }

    /** Whether {@code value} is a well-formed {@code sha256:<hex>} digest. */
    public static boolean isSha256(String value) {
        return value.startsWith(PREFIX) && value.substring(PREFIX.length()).matches("[0-9a-f]{64}");
    }

    /** The hex part of {@code sha256:<hex>}, checked so it can safely name a file. */
    public static String hex(String digest) {
        if (!isSha256(digest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring(PREFIX.length());
    }
}
