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

  /** The hex part of {@code sha256:<hex>}, checked so it can safely name a file. */
  public static String hex(String digest) {
    if (!digest.startsWith(PREFIX) || !digest.substring(PREFIX.length()).matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return digest.substring(PREFIX.length());
  }
}
