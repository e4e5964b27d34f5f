package io.nixship.config;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A SHA-256 as Nix writes it: base32 (Nix's own alphabet and bit order, what {@code
 * nix-prefetch-url} prints), SRI ({@code sha256-<base64>}) or base16. Stored and compared as bytes.
 */
public record NixHash(byte[] bytes) {
    private static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
    private static final int SIZE = 32;
    private static final int BASE32_LENGTH = (SIZE * 8 - 1) / 5 + 1;

    public NixHash {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a sha256 has 32 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Parses base32, SRI {@code sha256-...} or base16; empty when the text is none of them. */
    public static Optional<NixHash> parse(String text) {
        String value = text.trim();
        if (value.startsWith("sha256:")) {
            value = value.substring("sha256:".length());
        }
        try {
            if (value.startsWith("sha256-")) {
                byte[] decoded = Base64.getDecoder().decode(value.substring("sha256-".length()));
                return decoded.length == SIZE
                        ? Optional.of(new NixHash(decoded))
                        : Optional.empty();
            }
            if (value.length() == BASE32_LENGTH) {
                return decodeBase32(value).map(NixHash::new);
            }
            if (value.length() == SIZE * 2) {
                return Optional.of(new NixHash(HexFormat.of().parseHex(value)));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Nix's base32: the form {@code nix-prefetch-url} prints and {@code fetchTarball} accepts. */
    public String base32() {
        StringBuilder out = new StringBuilder(BASE32_LENGTH);
        for (int n = BASE32_LENGTH - 1; n >= 0; n--) {
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            int low = (bytes[i] & 0xff) >>> j;
            int high = i + 1 < SIZE ? (bytes[i + 1] & 0xff) << (8 - j) : 0;
            out.append(ALPHABET.charAt((low | high) & 0x1f));
        }
        return out.toString();
    }

    public String sri() {
        return "sha256-" + Base64.getEncoder().encodeToString(bytes);
    }

    public String base16() {
        return HexFormat.of().formatHex(bytes);
    }

    private static Optional<byte[]> decodeBase32(String text) {
        byte[] out = new byte[SIZE];
        for (int n = 0; n < BASE32_LENGTH; n++) {
            int digit = ALPHABET.indexOf(text.charAt(BASE32_LENGTH - 1 - n));
            if (digit < 0) {
                return Optional.empty();
            }
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >>> (8 - j);
            if (i + 1 < SIZE) {
                out[i + 1] |= (byte) carry;
            } else if (carry != 0) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NixHash that && java.util.Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return base32();
    }
}
