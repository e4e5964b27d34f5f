package io.nixship.pipeline.port;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BranchNamesTest {
    @ParameterizedTest
    @CsvSource({
        "ghcr.io/acme/shop-api:2.0, nixship/acme/shop-api",
        "ghcr.io/acme/shop-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
                + " nixship/acme/shop-api",
        "localhost:5000/shop:1, nixship/shop",
        "registry.example.com:5000/team/app/api:1.0@sha256:abc, nixship/team/app/api",
        "acme/shop, nixship/acme/shop",
        "shop, nixship/shop",
        "Acme/Shop..API.lock, nixship/acme/shop.api",
        "'ghcr.io/acme/-weird_name.', nixship/acme/weird_name",
    })
    void namesTheBranchAfterTheImageRepository(String image, String branch) {
        assertThat(BranchNames.forImage(image)).isEqualTo(branch);
    }
}
