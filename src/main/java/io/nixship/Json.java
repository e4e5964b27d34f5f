package io.nixship;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one place nixship's Jackson mappers are configured. Each call returns a fresh mapper, so no
 * caller can reconfigure another's; hold it in a field and share it within one class.
 */
public final class Json {
    // Fixed "\n" line ends so the output is the same on every platform.
    private static final DefaultPrettyPrinter PRETTY =
            new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private Json() {}

    /**
     * Jackson's defaults: reads JSON others wrote (registries, GitHub, Docker config, Nix) and
     * writes compact JSON.
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder().build();
    }

    /**
     * Map keys sorted, nothing pretty-printed: the same value always gives the same bytes, hence
     * the same digest (OCI config, manifest, layout files, the layer cache index).
     */
    public static ObjectMapper canonical() {
        return JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    }

    /**
     * {@code value} (a result record, a list...) as compact JSON, record components in their
     * declared order: how a command prints its {@code --json} result. A value Jackson cannot write
     * is a bug.
     */
    public static String compact(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write a " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * {@code value} as Jackson's default pretty printer writes it ({@code " : "}, arrays on one
     * line, the platform's line ends): the {@code --format json} of {@code verify}, kept as
     * released.
     */
    public static String defaultPretty(Object value) {
        try {
            return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write a " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Output for people: two-space indents, every array element on its own line, "\n" ends. */
    public static ObjectWriter pretty() {
        return mapper().writer(PRETTY);
    }

    /**
     * YAML users write: safe (no aliases, no recursive keys), bounded ({@code maxBytes}, {@code
     * maxDepth}) and strict (duplicate keys, unknown fields, null primitives, trailing tokens and a
     * single value where a list belongs are errors).
     */
    public static YAMLMapper strictYaml(int maxBytes, int maxDepth) {
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(0);
        loader.setNestingDepthLimit(maxDepth);
        loader.setCodePointLimit(maxBytes);
        loader.setAllowRecursiveKeys(false);
        YAMLFactory factory =
                YAMLFactory.builder()
                        .loaderOptions(loader)
                        .streamReadConstraints(
                                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                        .build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        YAMLMapper mapper = new YAMLMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        return mapper;
    }
}
