package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezeTest {
    @Test
    void rendersOneLinePerEntryWithTrailingNewline() {
        Freeze freeze =
                new Freeze(
                        List.of(
                                FreezeEntry.pinned("Flask", "2.2.2"),
                                FreezeEntry.pinned("odd", "2013b.weird")));

        assertThat(freeze.render()).isEqualTo("Flask==2.2.2\nodd===2013b.weird\n");
        assertThat(Freeze.empty().render()).isEmpty();
    }

    @Test
    void parsesRealPipOutputBackToTheSameText() {
        String pip = FreezeFixtures.text("freeze/mixed-site.pip-23.0.1-py3.11.txt");

        Freeze freeze = Freeze.parse(pip);

        assertThat(freeze.render()).isEqualTo(pip);
        assertThat(freeze.find("gitpkg"))
                .get()
                .extracting(FreezeEntry::name, FreezeEntry::version)
                .containsExactly("GitPkg", null);
        assertThat(freeze.find("devpkg"))
                .get()
                .satisfies(
                        e -> {
                            assertThat(e.version()).isEqualTo("0.3");
                            assertThat(e.editable()).isTrue();
                        });
        assertThat(freeze.find("odd_version"))
                .get()
                .extracting(FreezeEntry::version)
                .isEqualTo("2013b.weird");
        assertThat(freeze.find("JINJA2")).get().extracting(FreezeEntry::name).isEqualTo("Jinja2");
    }

    @Test
    void skipsBlankLinesCommentsAndRequirementOptions() {
        Freeze freeze =
                Freeze.parse(
                        "# generated\n\n-i https://pypi.org/simple\nFlask==3.0.0  # pinned\r\n"
                                + "## The following requirements were added by pip freeze:\n"
                                + "requests[socks] == 2.31.0\n-e git+https://example.org/x.git@abc#egg=xpkg\n");

        assertThat(freeze.entries())
                .extracting(FreezeEntry::name, FreezeEntry::version, FreezeEntry::requirement)
                .containsExactly(
                        tuple("Flask", "3.0.0", "Flask==3.0.0"),
                        tuple("requests", "2.31.0", "requests[socks] == 2.31.0"),
                        tuple("xpkg", null, "-e git+https://example.org/x.git@abc#egg=xpkg"));
    }

    @Test
    void namesAnUntraceableEditableInstallAfterItsDirectory() {
        Freeze freeze =
                Freeze.parse(
                        "## !! Could not determine repository location\n-e /src/my-project/\n");

        assertThat(freeze.entries()).extracting(FreezeEntry::name).containsExactly("my-project");
        assertThat(freeze.render())
                .isEqualTo("## !! Could not determine repository location\n-e /src/my-project/\n");
    }

    @Test
    void rejectsALineThatPinsNothingNamingTheLine() {
        assertThatThrownBy(() -> Freeze.parse("Flask==3.0.0\nrequests>=2\n"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("requests>=2")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }

    @Test
    void sortsLikePipByLowerCaseName() {
        Freeze sorted =
                Freeze.sorted(
                        List.of(
                                FreezeEntry.pinned("Werkzeug", "3.0"),
                                FreezeEntry.pinned("babel", "2.1"),
                                FreezeEntry.pinned("Flask", "3.0"),
                                FreezeEntry.pinned("flask-cors", "4.0"),
                                FreezeEntry.pinned("Flask_Login", "0.6")));

        assertThat(sorted.entries())
                .extracting(FreezeEntry::name)
                .containsExactly("babel", "Flask", "flask-cors", "Flask_Login", "Werkzeug");
    }

    @Test
    void roundTripsThroughJackson() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Freeze freeze = Freeze.parse(FreezeFixtures.text("freeze/mixed-site.pip-24.2-py3.13.txt"));

        String json = mapper.writeValueAsString(freeze);

        assertThat(mapper.readValue(json, Freeze.class)).isEqualTo(freeze);
        assertThat(mapper.readTree(json).get("entries").get(0).fieldNames())
                .toIterable()
                .containsExactly("name", "version", "requirement");
    }
}
