package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strings that name the image where no bump moves it are listed, so "all moved" is never false. */
class UnreadMentionsTest {
    private static final ImageReference TARGET = ImageReference.parse("ghcr.io/acme/shop:2.0.0");

    @TempDir Path root;

    @Test
    void theImageNamedInsideAStringOrUnderAKeyThatIsNotImageLikeIsListedByLine()
            throws IOException {
        Files.writeString(
                root.resolve("app.yaml"),
                """
                apiVersion: v1
                kind: ConfigMap
                data:
                  trial-template: |
                    spec:
                      containers:
                        - name: trial
                          image: ghcr.io/acme/shop:1.0.0
                  note: "look-alikes ghcr.io/acme/shop-x:1.0 quay.io/acme/shop:1 acme/shop:1"
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  annotations:
                    example.com/built-from: GHCR.io/acme/shop@sha256:%s
                spec:
                  template:
                    spec:
                      containers:
                        - image: ghcr.io/acme/shop:1.0.0
                ---
                apiVersion: image.toolkit.fluxcd.io/v1beta2
                kind: ImageRepository
                spec:
                  image: ghcr.io/acme/shop
                """
                        .formatted("a".repeat(64)));

        BumpPlan plan = survey();

        assertThat(plan.unreadMentions())
                .containsExactly(
                        new BumpPlan.UnreadMention("app.yaml", 8),
                        new BumpPlan.UnreadMention("app.yaml", 15));
        assertThat(plan.references()).extracting(FoundReference::line).containsExactly(20);
    }

    @Test
    void referencesFoundInAHelmValuesStringAreNotListedAgain() throws IOException {
        Files.writeString(
                root.resolve("app.yaml"),
                """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                spec:
                  source:
                    helm:
                      values: |
                        image:
                          repository: ghcr.io/acme/shop
                          tag: 1.0.0
                        worker:
                          image: ghcr.io/acme/shop:1.0.0
                """);

        BumpPlan plan = survey();

        assertThat(plan.references()).hasSize(2);
        assertThat(plan.unreadMentions()).isEmpty();
    }

    private BumpPlan survey() {
        return new ManifestBumper(new LocalManifestFiles(root))
                .survey(TARGET, List.of(ManifestSpec.parse(".")), PinStyle.TAG);
    }
}
