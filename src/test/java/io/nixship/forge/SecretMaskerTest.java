package io.nixship.forge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    @Test
    void redactsEveryKnownSecretLongestFirst() {
        SecretMasker masker = new SecretMasker();
        masker.register("abc");
        masker.register("abcdef-registry-bearer");

        assertThat(masker.mask("token abcdef-registry-bearer and abc"))
                .isEqualTo("token *** and ***");
    }

    @Test
    void ignoresBlankAndRepeatedSecrets() {
        SecretMasker masker = new SecretMasker();

        assertThat(masker.register("")).isFalse();
        assertThat(masker.register("  ")).isFalse();
        assertThat(masker.register("s3cret")).isTrue();
        assertThat(masker.register("s3cret")).isFalse();
        assertThat(masker.mask("plain text")).isEqualTo("plain text");
    }
}
