package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.manifest.BumpPlan;
import io.nixship.manifest.FileEdit;
import io.nixship.manifest.FoundReference;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.ImageSite;
import io.nixship.manifest.SkippedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BumpReportTest {
    private static final String IMAGE = "ghcr.io/acme/shop:2.0.0";

    @Test
    void theJsonReportKeepsItsFieldsOrderAndBytes() {
        BumpPlan plan =
                new BumpPlan(
                        List.of(
                                new FoundReference(
                                        "deploy.yaml",
                                        10,
                                        ImageSite.Form.IMAGE_STRING,
                                        IMAGE,
                                        IMAGE),
                                new FoundReference(
                                        "values.yaml",
                                        3,
                                        ImageSite.Form.HELM_MAP,
                                        "ghcr.io/acme/shop:1.0.0",
                                        IMAGE)),
                        List.of(
                                new FileEdit(
                                        Path.of("values.yaml"),
                                        "tag: 1.0.0\n".getBytes(StandardCharsets.UTF_8),
                                        "tag: 2.0.0\n".getBytes(StandardCharsets.UTF_8),
                                        List.of())),
                        List.of(new SkippedFile(Path.of("charts/t.yaml"), "a template")),
                        List.of("k8s/"),
                        List.of(new BumpPlan.UnreadMention("katib.yaml", 7)));

        String json =
                new BumpReport(ImageReference.parse(IMAGE), plan, true)
                        .json("--- a/values.yaml\n\"quoted\"\n");

        assertThat(json)
                .isEqualTo(
                        "{\"image\":\"ghcr.io/acme/shop:2.0.0\",\"changed\":true,\"references\":["
                                + "{\"file\":\"deploy.yaml\",\"line\":10,\"form\":\"image_string\","
                                + "\"before\":\"ghcr.io/acme/shop:2.0.0\",\"after\":\"ghcr.io/acme/shop:2.0.0\","
                                + "\"moved\":false,\"notMoved\":null},"
                                + "{\"file\":\"values.yaml\",\"line\":3,\"form\":\"helm_map\","
                                + "\"before\":\"ghcr.io/acme/shop:1.0.0\",\"after\":\"ghcr.io/acme/shop:2.0.0\","
                                + "\"moved\":true,\"notMoved\":null}],"
                                + "\"skipped\":[{\"file\":\"charts/t.yaml\",\"reason\":\"a template\"}],"
                                + "\"withoutReference\":[\"k8s/\"],"
                                + "\"unreadMentions\":[{\"file\":\"katib.yaml\",\"line\":7}],"
                                + "\"diff\":\"--- a/values.yaml\\n\\\"quoted\\\"\\n\"}");
    }

    @Test
    void anEmptyPlanStillHasEveryField() {
        String json =
                new BumpReport(
                                ImageReference.parse(IMAGE),
                                new BumpPlan(List.of(), List.of(), List.of(), List.of(), List.of()),
                                false)
                        .json("");

        assertThat(json)
                .isEqualTo(
                        "{\"image\":\"ghcr.io/acme/shop:2.0.0\",\"changed\":false,\"references\":[],"
                                + "\"skipped\":[],\"withoutReference\":[],\"unreadMentions\":[],\"diff\":\"\"}");
    }

    @Test
    void manySkippedTemplatesOfOneDirectoryMakeOneLineAndFewAreListedOneByOne() {
        List<SkippedFile> skipped = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            skipped.add(new SkippedFile(Path.of("chart/templates/t" + i + ".yaml"), "a template"));
        }
        skipped.add(new SkippedFile(Path.of("other/templates/one.yaml"), "a template"));

        List<String> notes =
                new BumpReport(
                                ImageReference.parse(IMAGE),
                                new BumpPlan(List.of(), List.of(), skipped, List.of(), List.of()),
                                false)
                        .notes();

        assertThat(notes)
                .contains(
                        "skipped 5 files in chart/templates/: a template",
                        "skipped other/templates/one.yaml: a template")
                .noneMatch(line -> line.contains("t0.yaml"));
    }
}
