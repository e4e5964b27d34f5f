package io.nixship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.testsupport.CraftedTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitSourceTest {
    private static final String LOCK =
            "url: ../pkgs/np.tar.gz\nsha256: 1hdyaxxy4la47zkf9438sdg71wdm3qxv2mcpvq99zjy7lk1zrfcr\n";

    @TempDir Path repo;
    @TempDir Path out;
    private Git git;
    private int clock;

    @BeforeEach
    void initRepository() throws Exception {
        git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    }

    private void write(String path, String content) throws Exception {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private RevCommit commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who =
                new PersonIdent(
                        "t",
                        "t@example.com",
                        java.time.Instant.ofEpochSecond(1_700_000_000L + clock++),
                        java.time.ZoneOffset.UTC);
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
    }

    private void project(String dir) throws Exception {
        String p = dir.isEmpty() ? "" : dir + "/";
        write(p + "default.nix", "{ }: derivation { }\n");
        write(
                p + ".nixship.yaml",
                "image: ghcr.io/a/b\napp:\n  copy: [app.py, \"lib/**\", run.sh, current]\n");
        write(p + "nixship.lock", LOCK);
        write(p + "app.py", "print('committed')\n");
        write(p + "lib/util/helpers.py", "X = 1\n");
        write(p + "run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(
                repo.resolve(p + "run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(repo.resolve(p + "current"), Path.of("app.py"));
        write(p + "notes.txt", "not copied\n");
    }

    @Test
    void writesTheCommitsTreeWithExecBitsAndSymlinksAndParsesConfigAndLock() throws Exception {
        project("");
        RevCommit head = commit("first");
        try (CommitSource source = CommitSource.open(repo)) {
            SourceSnapshot snapshot = source.snapshot("HEAD", out.resolve("src"), Optional.empty());
            assertThat(snapshot.commitId()).isEqualTo(head.getName());
            assertThat(snapshot.commitTime())
                    .isEqualTo(java.time.Instant.ofEpochSecond(1_700_000_000L));
            assertThat(snapshot.files())
                    .containsExactly(
                            ".nixship.yaml",
                            "app.py",
                            "current",
                            "default.nix",
                            "lib/util/helpers.py",
                            "nixship.lock",
                            "notes.txt",
                            "run.sh");
            assertThat(snapshot.appFiles())
                    .containsExactly("app.py", "current", "lib/util/helpers.py", "run.sh");
            Path dir = snapshot.directory();
            assertThat(Files.getPosixFilePermissions(dir.resolve("run.sh")))
                    .contains(PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.getPosixFilePermissions(dir.resolve("app.py")))
                    .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.isSymbolicLink(dir.resolve("current"))).isTrue();
            assertThat(Files.readSymbolicLink(dir.resolve("current"))).isEqualTo(Path.of("app.py"));
            assertThat(snapshot.config().requireImage()).isEqualTo("ghcr.io/a/b");
            assertThat(snapshot.lock()).isPresent();
            assertThat(snapshot.nixFile()).isEqualTo(dir.resolve("default.nix"));
            assertThat(snapshot.remoteUrl()).isEmpty();
        }
    }

    @Test
    void uncommittedEditsNeverLeak() throws Exception {
        project("");
        commit("first");
        write("app.py", "print('dirty working tree')\n");
        write("untracked.py", "x\n");
        try (CommitSource source = CommitSource.open(repo)) {
            SourceSnapshot snapshot = source.snapshot("HEAD", out.resolve("src"), Optional.empty());
            assertThat(snapshot.directory().resolve("app.py")).hasContent("print('committed')");
            assertThat(snapshot.files()).doesNotContain("untracked.py");
        }
    }

    @Test
    void resolvesShortShasBranchesAndTags() throws Exception {
        project("");
        RevCommit first = commit("first");
        git.tag().setName("v1").setAnnotated(true).setMessage("v1").call();
        write("app.py", "print('second')\n");
        RevCommit second = commit("second");
        git.branchCreate().setName("old").setStartPoint(first).call();
        try (CommitSource source = CommitSource.open(repo)) {
            assertThat(source.resolve(first.getName().substring(0, 8)).id())
                    .isEqualTo(first.getName());
            assertThat(source.resolve("v1").id()).isEqualTo(first.getName());
            assertThat(source.resolve("old").id()).isEqualTo(first.getName());
            assertThat(source.resolve("main").id()).isEqualTo(second.getName());
            assertThat(source.resolve("HEAD~1").id()).isEqualTo(first.getName());
            SourceSnapshot snapshot = source.snapshot("v1", out.resolve("v1"), Optional.empty());
            assertThat(snapshot.directory().resolve("app.py")).hasContent("print('committed')");
        }
    }

    @Test
    void unknownCommitIsAUsageError() throws Exception {
        project("");
        commit("first");
        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(() -> source.resolve("nope"))
                    .isInstanceOf(NixshipException.class)
                    .hasMessageContaining("commit 'nope' not found")
                    .extracting(e -> ((NixshipException) e).exitCode())
                    .isEqualTo(NixshipException.USAGE);
        }
    }

    @Test
    void missingNixFileNamesTheFileAndTheCommit() throws Exception {
        project("");
        Files.delete(repo.resolve("default.nix"));
        RevCommit head = commit("no nix");
        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(() -> source.snapshot("HEAD", out.resolve("src"), Optional.empty()))
                    .isInstanceOf(NixshipException.class)
                    .hasMessageStartingWith(
                            "default.nix not found at commit " + head.getName().substring(0, 7));
        }
    }

    @Test
    void nixFileOnlyInTheWorkingTreeIsStillMissing() throws Exception {
        write(".nixship.yaml", "nix:\n  file: env.nix\n");
        commit("config only");
        write("env.nix", "{ }: 1\n");
        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(() -> source.snapshot("HEAD", out.resolve("src"), Optional.empty()))
                    .hasMessageStartingWith("env.nix not found at commit");
        }
    }

    @Test
    void appCopyEntryMatchingNothingIsNamed() throws Exception {
        project("");
        write(".nixship.yaml", "app:\n  copy: [app.py, \"*.rb\"]\n");
        commit("first");
        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(() -> source.snapshot("HEAD", out.resolve("src"), Optional.empty()))
                    .hasMessageStartingWith(
                            ".nixship.yaml: app.copy entry '*.rb' matches no file at commit");
        }
        assertThat(out.resolve("src")).doesNotExist();
    }

    @Test
    void projectInASubdirectoryIsReadRelativeToIt() throws Exception {
        project("examples/app");
        write("README.md", "root\n");
        write("examples/app/.nixship.yaml", "app:\n  copy: [app.py]\n  cpy: []\n");
        commit("first");
        try (CommitSource source = CommitSource.open(repo, "examples/app")) {
            assertThatThrownBy(() -> source.snapshot("HEAD", out.resolve("bad"), Optional.empty()))
                    .hasMessageStartingWith(
                            "examples/app/.nixship.yaml:3: unknown field 'app.cpy'");
        }
        write("examples/app/.nixship.yaml", "app:\n  copy: [\"*.py\"]\n");
        commit("fix");
        try (CommitSource source = CommitSource.open(repo.resolve("examples/app"))) {
            assertThat(source.projectDirectory()).isEqualTo("examples/app");
            SourceSnapshot snapshot = source.snapshot("HEAD", out.resolve("src"), Optional.empty());
            assertThat(snapshot.files())
                    .contains("default.nix", "app.py")
                    .doesNotContain("README.md");
            assertThat(snapshot.appFiles()).containsExactly("app.py");
            assertThat(snapshot.lock().orElseThrow().resolveUrl(source.projectPath()))
                    .isEqualTo(repo.resolve("examples/pkgs/np.tar.gz").toUri().toString());
        }
    }

    @Test
    void remoteUrlHasNoCredentials() throws Exception {
        project("");
        commit("first");
        var config = git.getRepository().getConfig();
        config.setString(
                "remote",
                "origin",
                "url",
                "https://x-access-token:ghs_secret@github.com/acme/app.git");
        config.save();
        try (CommitSource source = CommitSource.open(repo)) {
            assertThat(source.remoteUrl()).contains("https://github.com/acme/app");
        }
    }

    @Test
    void sshRemotesBecomeWebUrls() {
        assertThat(RemoteUrls.publicUrl("git@github.com:acme/app.git"))
                .contains("https://github.com/acme/app");
        assertThat(RemoteUrls.publicUrl("ssh://git@github.com/acme/app.git"))
                .contains("https://github.com/acme/app");
        assertThat(RemoteUrls.publicUrl("/srv/git/app.git")).isEmpty();
        assertThat(RemoteUrls.publicUrl("file:///srv/git/app.git")).isEmpty();
    }

    @Test
    void directoryOutsideARepositoryIsAUsageError(@TempDir Path plain) {
        assertThatThrownBy(() -> CommitSource.open(plain))
                .hasMessageContaining("is not inside a git repository");
    }

    @Test
    void projectWithoutConfigOrLockGetsDefaults() throws Exception {
        write("default.nix", "{ }: 1\n");
        commit("bare");
        try (CommitSource source = CommitSource.open(repo)) {
            SourceSnapshot snapshot =
                    source.snapshot("HEAD", out.resolve("src"), Optional.of("acme/app"));
            assertThat(snapshot.config().requireImage()).isEqualTo("ghcr.io/acme/app");
            assertThat(snapshot.lock()).isEmpty();
            assertThat(snapshot.appFiles()).isEmpty();
        }
    }

    @Test
    void configFileIsRead() throws Exception {
        project("");
        commit("first");
        try (CommitSource source = CommitSource.open(repo)) {
            var content = source.readFile(source.resolve("HEAD"), "nixship.lock").orElseThrow();
            assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo(LOCK);
            assertThat(source.readFile(source.resolve("HEAD"), "missing")).isEmpty();
        }
    }

    @Test
    void aTreeWithASymlinkAndEntriesUnderItIsRefusedAndNothingIsWrittenThroughTheLink(
            @TempDir Path elsewhere) throws Exception {
        project("");
        commit("base");
        String crafted =
                CraftedTrees.commit(
                        git.getRepository(),
                        "main",
                        "main",
                        List.of(
                                CraftedTrees.Entry.symlink("a", elsewhere.toString()),
                                CraftedTrees.Entry.directory("a", "file", "pwned\n")));

        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(
                            () -> source.snapshot(crafted, out.resolve("snap"), Optional.empty()))
                    .isInstanceOfSatisfying(
                            NixshipException.class,
                            e -> {
                                assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE);
                                assertThat(e.getMessage())
                                        .contains("'a/file' under the symlink or file 'a'");
                            });
        }
        assertThat(elsewhere.resolve("file")).doesNotExist();
    }

    @Test
    void aTreeWithTheSamePathTwiceIsRefused() throws Exception {
        project("");
        commit("base");
        String crafted =
                CraftedTrees.commit(
                        git.getRepository(),
                        "main",
                        "main",
                        List.of(
                                CraftedTrees.Entry.file("twice.txt", "one\n"),
                                CraftedTrees.Entry.file("twice.txt", "two\n")));

        try (CommitSource source = CommitSource.open(repo)) {
            assertThatThrownBy(
                            () -> source.snapshot(crafted, out.resolve("snap"), Optional.empty()))
                    .isInstanceOf(NixshipException.class)
                    .hasMessageContaining("has the path 'twice.txt' twice");
        }
    }
}
