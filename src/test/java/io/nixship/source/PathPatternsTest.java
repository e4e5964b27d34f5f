package io.nixship.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternsTest {
    @Test
    void filesDirectoriesAndGlobs() {
        assertThat(new PathPatterns(List.of("app.py")).includes("app.py")).isTrue();
        assertThat(new PathPatterns(List.of("app.py")).includes("sub/app.py")).isFalse();
        assertThat(new PathPatterns(List.of("static")).includes("static/css/a.css")).isTrue();
        assertThat(new PathPatterns(List.of("static/")).includes("static/a.css")).isTrue();
        assertThat(new PathPatterns(List.of("*.py")).includes("app.py")).isTrue();
        assertThat(new PathPatterns(List.of("*.py")).includes("lib/app.py")).isFalse();
        assertThat(new PathPatterns(List.of("src/**")).includes("src/a/b/c.py")).isTrue();
        assertThat(new PathPatterns(List.of("**/*.py")).includes("a/b/c.py")).isTrue();
        assertThat(new PathPatterns(List.of("**/*.py")).includes("c.py")).isTrue();
        assertThat(new PathPatterns(List.of("src/**/x.py")).includes("src/x.py")).isTrue();
        assertThat(new PathPatterns(List.of("a?.py")).includes("ab.py")).isTrue();
        assertThat(new PathPatterns(List.of("a.py")).includes("aXpy")).isFalse();
        assertThat(new PathPatterns(List.of("./app.py")).includes("app.py")).isTrue();
    }
}
