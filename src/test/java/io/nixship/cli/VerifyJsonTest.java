package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of {@code verify --format json}: Jackson's default pretty printing, as released. */
class VerifyJsonTest {
    @Test
    void eachComparisonIsAnObjectInOnePrettyArray() throws Exception {
        JsonNode diff = Json.mapper().readTree("{\"changes\":[{\"name\":\"a\"}],\"n\":1}");

        String json =
                Json.defaultPretty(
                        List.of(
                                new VerifyCommand.Drift("nix-shell", "deploy/shop", true, diff),
                                new VerifyCommand.Drift("nix-shell", "image", false, diff)));

        String object =
                "{\n"
                        + "  \"shell\" : \"nix-shell\",\n"
                        + "  \"target\" : \"%s\",\n"
                        + "  \"drift\" : %s,\n"
                        + "  \"diff\" : {\n"
                        + "    \"changes\" : [ {\n"
                        + "      \"name\" : \"a\"\n"
                        + "    } ],\n"
                        + "    \"n\" : 1\n"
                        + "  }\n"
                        + "}";
        assertThat(json)
                .isEqualTo(
                        "[ "
                                + String.format(object, "deploy/shop", "true")
                                + ", "
                                + String.format(object, "image", "false")
                                + " ]");
    }
}
