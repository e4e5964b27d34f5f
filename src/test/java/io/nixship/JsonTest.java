package io.nixship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Entry(String name) {}

    @Test
    void canonicalWritesMapKeysSortedAndCompact() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1);
        value.put("a", List.of(2, 3));

        assertThat(Json.canonical().writeValueAsString(value)).isEqualTo("{\"a\":[2,3],\"b\":1}");
    }

    @Test
    void prettyPutsEveryArrayElementOnItsOwnLineWithNewlineEnds() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, 2));

        assertThat(Json.pretty().writeValueAsString(value))
                .isEqualTo("{\n  \"a\" : [\n    1,\n    2\n  ]\n}");
    }

    @Test
    void theMapperKeepsJacksonsDefaultOfRejectingUnknownFields() {
        assertThatThrownBy(
                        () -> Json.mapper().readValue("{\"name\":\"x\",\"extra\":1}", Entry.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    @Test
    void eachCallReturnsAMapperNoOtherCallerShares() {
        assertThat(Json.mapper()).isNotSameAs(Json.mapper());
    }
}
