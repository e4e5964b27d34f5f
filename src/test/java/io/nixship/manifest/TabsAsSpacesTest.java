package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Tabs that YAML (and kubectl's parser) read as white space, which SnakeYAML alone refuses. */
class TabsAsSpacesTest {
    @Test
    void tabsEndingLinesAndBeforeCommentsParseAsWhiteSpace() {
        YamlDocument document =
                parse("metadata:\t\n  name: shop\t\nspec: {replicas: 1}\t\nargs: [a]\t# why\n");

        MappingNode root = (MappingNode) document.documents().getFirst();
        assertThat(scalar((MappingNode) value(root, "metadata"), "name")).isEqualTo("shop");
        assertThat(scalar((MappingNode) value(root, "spec"), "replicas")).isEqualTo("1");
        assertThat(((SequenceNode) value(root, "args")).getValue())
                .singleElement()
                .extracting(node -> ((ScalarNode) node).getValue())
                .isEqualTo("a");
    }

    @Test
    void tabsInsideABlockOrAQuotedStringStayInTheValue() {
        YamlDocument document =
                parse(
                        "key:\t\nscript: |\n  echo ready\t\n  exit 0\nnote: \"a\t# b\"\t\n"
                                + "folded: \"x\t\n  y\"\t\n");

        MappingNode root = (MappingNode) document.documents().getFirst();
        assertThat(scalar(root, "script")).isEqualTo("echo ready\t\nexit 0\n");
        assertThat(scalar(root, "note")).isEqualTo("a\t# b");
        assertThat(scalar(root, "folded")).isEqualTo("x y");
    }

    @Test
    void aTabIndentingContentIsStillInvalidYamlNamingItsLine() {
        assertThatThrownBy(() -> parse("metadata:\t\n\tname: shop\n"))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("tabs.yaml:2: invalid YAML: ")
                .hasMessageContaining("TAB");
    }

    private static YamlDocument parse(String yaml) {
        return YamlDocument.parse("tabs.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static Node value(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (((ScalarNode) tuple.getKeyNode()).getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        throw new AssertionError("no key " + key);
    }

    private static String scalar(MappingNode mapping, String key) {
        return ((ScalarNode) value(mapping, key)).getValue();
    }
}
