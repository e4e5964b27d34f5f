package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackageNameTest {
    @ParameterizedTest
    @CsvSource({
        "Jinja2, jinja2",
        "jinja2, jinja2",
        "zope.interface, zope-interface",
        "zope-interface, zope-interface",
        "zope_interface, zope-interface",
        "typing_extensions, typing-extensions",
        "Foo.._-Bar, foo-bar",
        "PyYAML, pyyaml",
        "lazr.restfulclient, lazr-restfulclient",
    })
    void normalisesPerPep503(String name, String normalized) {
        assertThat(PackageName.normalize(name)).isEqualTo(normalized);
    }

    @Test
    void treatsSpellingsOfOneProjectAsTheSame() {
        assertThat(PackageName.same("Jinja2", "jinja2")).isTrue();
        assertThat(PackageName.same("zope.interface", "zope-interface")).isTrue();
        assertThat(PackageName.same("zope.interface", "zope.interfaces")).isFalse();
    }

    @Test
    void rejectsNamesPipIgnores() {
        assertThat(PackageName.isValid("~atplotlib")).isFalse();
        assertThat(PackageName.isValid("-leading")).isFalse();
        assertThat(PackageName.isValid("trailing.")).isFalse();
        assertThat(PackageName.isValid("a")).isTrue();
        assertThat(PackageName.isValid("zope.interface")).isTrue();
    }
}
