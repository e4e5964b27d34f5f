package io.nixship.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * A GitHub App's key pair made for a test: the private key as the PEM GitHub hands out (PKCS#1) or
 * as PKCS#8, and a check of a JWT's RS256 signature with the public key, as GitHub does.
 */
public final class GitHubAppKeys {
    private final KeyPair keys;

    private GitHubAppKeys(KeyPair keys) {
        this.keys = keys;
    }

    public static GitHubAppKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new GitHubAppKeys(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -----BEGIN RSA PRIVATE KEY-----}, as GitHub's "Generate a private key" gives. */
    public String pkcs1Pem() {
        return pem("RSA PRIVATE KEY", pkcs1Der());
    }

    /** {@code -----BEGIN PRIVATE KEY-----}, as {@code openssl pkcs8 -topk8} gives. */
    public String pkcs8Pem() {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /**
     * The JDK writes PKCS#8; PKCS#1 is its inner OCTET STRING, found by reading the DER lengths.
     */
    public byte[] pkcs1Der() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        // SEQUENCE header (long form: tag, 0x82, two length bytes), version (3), algorithm (15).
        int octetString = 4 + 3 + 15;
        if (pkcs8[octetString] != 0x04) {
            throw new IllegalStateException("unexpected PKCS#8 layout from the JDK");
        }
        int lengthBytes = pkcs8[octetString + 1] & 0x7f;
        return Arrays.copyOfRange(pkcs8, octetString + 2 + lengthBytes, pkcs8.length);
    }

    /** Whether {@code jwt} is an RS256 token signed by this pair's private key. */
    public boolean verifies(String jwt) {
        int lastDot = jwt.lastIndexOf('.');
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(keys.getPublic());
            signature.update(jwt.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
            return part(jwt, 0).path("alg").asText().equals("RS256")
                    && signature.verify(Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWT's claims. */
    public static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    private static JsonNode part(String jwt, int index) {
        try {
            return Json.mapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
