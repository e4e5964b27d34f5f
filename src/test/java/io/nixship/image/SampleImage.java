package io.nixship.image;

import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A small python-like closure in a fake store, plus app files: the inputs of an image. */
final class SampleImage {
    static final String GLIBC = FakeStore.storePath('g', "glibc-2.39");
    static final String PYTHON = FakeStore.storePath('p', "python3-3.12.4");
    static final String FLASK = FakeStore.storePath('f', "python3.12-flask-3.0.3");
    static final String FLASK_NEW = FakeStore.storePath('n', "python3.12-flask-3.1.0");
    static final String ENV = FakeStore.storePath('e', "python3-3.12.4-env");
    static final Instant COMMIT_TIME = Instant.parse("2026-11-24T10:15:30Z");

    final FakeStore store;
    final Path app;

    SampleImage(Path dir, Instant fileTimes) throws IOException {
        store = new FakeStore(dir.resolve("root"), fileTimes);
        store.file(GLIBC, "lib/libc.so.6", "libc", true);
        store.file(PYTHON, "bin/python3.12", "#!python", true);
        store.symlink(PYTHON, "bin/python3", "python3.12");
        store.symlink(PYTHON, "lib/libc.so.6", GLIBC + "/lib/libc.so.6");
        store.file(PYTHON, "lib/python3.12/" + "deep/".repeat(30) + "module.py", "x = 1\n", false);
        store.file(
                FLASK,
                "lib/python3.12/site-packages/flask/__init__.py",
                "version = '3.0.3'\n",
                false);
        store.file(
                FLASK_NEW,
                "lib/python3.12/site-packages/flask/__init__.py",
                "version = '3.1.0'\n",
                false);
        store.symlink(ENV, "bin/python3", PYTHON + "/bin/python3");
        store.symlink(
                ENV,
                "lib/python3.12/site-packages/flask",
                FLASK + "/lib/python3.12/site-packages/flask");
        app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("app.py"), "print('hello')\n");
    }

    static Closure closure(String flask) {
        return new Closure(
                ENV,
                List.of(
                        new StorePathInfo(ENV, 1_000, List.of(PYTHON, flask)),
                        new StorePathInfo(flask, 5_000, List.of(PYTHON)),
                        new StorePathInfo(GLIBC, 30_000, List.of()),
                        new StorePathInfo(PYTHON, 90_000, List.of(GLIBC))));
    }

    static ImageSettings settings() {
        return new ImageSettings(
                "amd64",
                "linux",
                Map.of("PYTHONUNBUFFERED", "1"),
                List.of(),
                List.of("python3", "app.py"),
                "/opt",
                null,
                List.of("8080"),
                Map.of("org.opencontainers.image.revision", "abc123"),
                COMMIT_TIME,
                Map.of());
    }

    AssembledImage assemble(Path cache, Closure closure) {
        return assemble(cache, closure, new LayerCompressor(), PreviousLayers.none());
    }

    AssembledImage assemble(
            Path cache, Closure closure, LayerCompressor compressor, PreviousLayers previous) {
        return assemble(cache, closure, compressor, previous, LayerListener.NONE);
    }

    AssembledImage assemble(
            Path cache,
            Closure closure,
            LayerCompressor compressor,
            PreviousLayers previous,
            LayerListener ready) {
        ImageAssembler assembler =
                new ImageAssembler(
                        new LayerBlobStore(cache),
                        store.root(),
                        new LayerTarWriter(),
                        compressor,
                        2);
        return assembler.assemble(
                closure, new ClosureLayerPlanner().plan(closure), app, settings(), previous, ready);
    }
}
