package io.nixship.forge;

import io.nixship.NixshipException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub App's private key and the RS256 JSON Web Tokens it signs, which authenticate as the App
 * to mint installation tokens.
 *
 * <p>Signed with the JDK's {@link Signature} rather than github-api's {@code JWTTokenProvider},
 * which needs jjwt and its Jackson bridge on the class path for one signature.
 */
public final class GitHubAppKey {
    /**
     * Back-dated against clock drift between this machine and GitHub, as GitHub's documentation
     * advises.
     */
    private static final Duration ISSUED_BEFORE = Duration.ofSeconds(60);

    /** GitHub refuses an App token valid for more than ten minutes. */
    private static final Duration VALID_FOR = Duration.ofMinutes(9);

    private static final Pattern PEM =
            Pattern.compile(
                    "-----BEGIN ((?:RSA )?)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    /**
     * DER of PKCS#8's version 0 and AlgorithmIdentifier {rsaEncryption, NULL}: what a PKCS#1 key
     * needs in front to become a PKCS#8 one.
     */
    private static final byte[] PKCS8_RSA_PREFIX = {
        0x02,
        0x01,
        0x00,
        0x30,
        0x0d,
        0x06,
        0x09,
        0x2a,
        (byte) 0x86,
        0x48,
        (byte) 0x86,
        (byte) 0xf7,
        0x0d,
        0x01,
        0x01,
        0x01,
        0x05,
        0x00
    };

    private final PrivateKey key;

    private GitHubAppKey(PrivateKey key) {
        this.key = key;
    }

    /**
     * Reads a PEM private key: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what GitHub hands out) or
     * PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl pkcs8} gives). {@code source} names
     * where it came from for the error; the key itself is never in a message.
     */
    public static GitHubAppKey parse(String pem, String source) {
        // Actions secrets and env files often carry the newlines as a literal \n.
        Matcher matcher = PEM.matcher(pem.replace("\\n", "\n"));
        if (!matcher.find()) {
            throw NixshipException.usage(
                    source
                            + " is not a PEM private key: give the .pem file GitHub generated for"
                            + " the App (-----BEGIN RSA PRIVATE KEY----- ... or -----BEGIN PRIVATE"
                            + " KEY----- ...)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw NixshipException.usage(source + " holds a PEM key whose base64 is damaged");
        }
        // The JDK's KeyFactory reads PKCS#8 only (its PEM API is a preview in Java 25), so
        // GitHub's PKCS#1 key is wrapped in PKCS#8's envelope here.
        byte[] pkcs8 = matcher.group(1).isEmpty() ? der : pkcs8FromPkcs1(der);
        try {
            return new GitHubAppKey(
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw NixshipException.usage(
                    source + " is not an RSA private key GitHub could have generated for an App");
        }
    }

    /**
     * A JWT that authenticates as App {@code appId} from {@code now} for nine minutes (GitHub
     * allows ten).
     */
    public String jwt(String appId, Instant now) {
        String header = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims =
                base64Url(
                        "{\"iat\":"
                                + now.minus(ISSUED_BEFORE).getEpochSecond()
                                + ",\"exp\":"
                                + now.plus(VALID_FOR).getEpochSecond()
                                + ",\"iss\":\""
                                + appId
                                + "\"}");
        String signingInput = header + "." + claims;
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput
                    + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA is missing from this JDK", e);
        }
    }

    /** Never print the key, not even through a stray log. */
    @Override
    public String toString() {
        return "GitHubAppKey[***]";
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING { the PKCS#1 key }
     * }.
     */
    private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(PKCS8_RSA_PREFIX);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream sequence = new ByteArrayOutputStream();
        sequence.write(0x30);
        sequence.writeBytes(derLength(body.size()));
        sequence.writeBytes(body.toByteArray());
        return sequence.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
        byte[] encoded = new byte[bytes + 1];
        encoded[0] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            encoded[bytes - i] = (byte) (length >>> (8 * i));
        }
        return encoded;
    }
}
