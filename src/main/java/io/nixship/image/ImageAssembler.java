package io.nixship.image;

import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Assembles an OCI image from a closure without a Docker daemon: one layer per planned group of
 * store paths (served from the {@link LayerBlobStore} when already there), then the app layer, then
 * the config and manifest.
 */
public final class ImageAssembler {
    /**
     * Bumped whenever the tar layout changes, so cached layers of the old layout are not reused.
     */
    private static final String TAR_FORMAT = "nixship-tar-1";

    private final LayerBlobStore blobs;
    private final Path fsRoot;
    private final LayerTarWriter tarWriter;
    private final LayerCompressor compressor;
    private final int jobs;
    private final ImageConfigFactory configs = new ImageConfigFactory();

    /**
     * {@code fsRoot} is where {@code nix/store} is found: {@code /} for the real store. Up to
     * {@code jobs} layers are tarred and compressed at once.
     */
    public ImageAssembler(
            LayerBlobStore blobs,
            Path fsRoot,
            LayerTarWriter tarWriter,
            LayerCompressor compressor,
            int jobs) {
        if (jobs < 1) {
            throw NixshipException.usage("--jobs: " + jobs + " must be at least 1");
        }
        this.blobs = blobs;
        this.fsRoot = fsRoot;
        this.tarWriter = tarWriter;
        this.compressor = compressor;
        this.jobs = jobs;
    }

    /**
     * Real store at {@code /}, mtime 1970-01-01T00:00:01Z, gzip at its default level, one job per
     * core.
     */
    public ImageAssembler(LayerBlobStore blobs) {
        this(blobs, new LayerCompressor(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Real store at {@code /}, mtime 1970-01-01T00:00:01Z, the given compression, {@code jobs}
     * layers at once.
     */
    public ImageAssembler(LayerBlobStore blobs, LayerCompressor compressor, int jobs) {
        this(blobs, Path.of("/"), new LayerTarWriter(), compressor, jobs);
    }

    /** Tar layout, mtime and compression: a cached layer is reused only when all three match. */
    public String layerFormat() {
        return TAR_FORMAT + ";mtime=" + tarWriter.mtime().getEpochSecond() + ";" + compressor.id();
    }

    /**
     * The image: the closure's paths in the plan's groups and order, then the app files (the
     * contents of {@code appDirectory}, which may be absent) at {@code settings.workingDir()}, with
     * {@code /bin} pointing into the closure's out path (the environment).
     */
    public AssembledImage assemble(
            Closure closure,
            List<List<String>> layerPlan,
            Path appDirectory,
            ImageSettings settings) {
        return assemble(
                closure,
                layerPlan,
                appDirectory,
                settings,
                PreviousLayers.none(),
                LayerListener.NONE);
    }

    /**
     * Like {@link #assemble(Closure, List, Path, ImageSettings)}, but a layer missing from the blob
     * store that {@code previous} holds in the same format is taken from there by digest, without
     * reading its store paths: the image is then only fit to push to the registry that holds it.
     * {@code ready} hears each layer as soon as it is done, before the others are, and gives each
     * store-path layer it compresses a stream its bytes also go to while they are made.
     */
    public AssembledImage assemble(
            Closure closure,
            List<List<String>> layerPlan,
            Path appDirectory,
            ImageSettings settings,
            PreviousLayers previous,
            LayerListener ready) {
        checkPlanCoversClosure(closure, layerPlan);
        AppLayerContents app =
                new AppLayerContents(appDirectory, settings.workingDir(), closure.outPath());
        String format = layerFormat();
        List<Callable<Outcome>> work = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        Map<String, Long> narSizes = new HashMap<>();
        closure.paths().forEach(path -> narSizes.put(path.path(), path.narSize()));
        for (List<String> group : layerPlan) {
            work.add(
                    () ->
                            announced(
                                    storePathLayer(
                                            group.stream().sorted().toList(),
                                            format,
                                            previous,
                                            ready),
                                    ready));
            sizes.add(group.stream().mapToLong(narSizes::get).sum());
        }
        // The app layer is not streamed: it is tiny, and the same bytes as last time on a no-op
        // re-push,
        // where checking first keeps the upload at zero bytes.
        work.add(
                () ->
                        announced(
                                new Outcome(
                                        layer(
                                                blobs.storeBlob(
                                                        List.of(),
                                                        out -> tarWriter.writeAppLayer(app, out),
                                                        compressor,
                                                        LayerStream.NONE),
                                                Map.of()),
                                        Source.COMPRESSED),
                                ready));
        sizes.add(0L);
        List<Outcome> outcomes = runAll(work, sizes);
        List<Layer> layers = outcomes.stream().map(Outcome::layer).toList();
        byte[] config =
                configs.config(
                        settings,
                        closure.outPath(),
                        layers.stream().map(Layer::diffId).toList(),
                        layers.stream()
                                .map(l -> ImageConfigFactory.describeLayer(l.storePaths()))
                                .toList());
        Descriptor configDescriptor =
                new Descriptor(OciImage.CONFIG_MEDIA_TYPE, Digests.sha256(config), config.length);
        byte[] manifest =
                configs.manifest(
                        configDescriptor,
                        layers.stream().map(l -> l.blob().descriptor()).toList(),
                        settings.manifestAnnotations());
        OciImage image =
                new OciImage(
                        new Blob(configDescriptor, () -> new ByteArrayInputStream(config)),
                        layers,
                        manifest,
                        Digests.sha256(manifest));
        return new AssembledImage(
                image,
                count(outcomes, Source.CACHE),
                count(outcomes, Source.PREVIOUS_IMAGE),
                count(outcomes, Source.COMPRESSED));
    }

    private static Outcome announced(Outcome outcome, LayerListener ready) {
        ready.layerReady(outcome.layer());
        return outcome;
    }

    private Outcome storePathLayer(
            List<String> storePaths, String format, PreviousLayers previous, LayerListener ready)
            throws IOException {
        var cached = blobs.find(storePaths, format);
        if (cached.isEmpty()) {
            Optional<Layer> reused = previous.find(storePaths, format);
            if (reused.isPresent()) {
                // The descriptor is rebuilt as a fresh build would write it, so the manifest is the
                // same bytes.
                Layer layer = reused.get();
                Descriptor old = layer.blob().descriptor();
                Descriptor descriptor =
                        new Descriptor(
                                compressor.mediaType(),
                                old.digest(),
                                old.size(),
                                annotations(storePaths, format, layer.diffId()));
                return new Outcome(
                        new Layer(
                                new Blob(descriptor, layer.blob().content()),
                                layer.diffId(),
                                storePaths),
                        Source.PREVIOUS_IMAGE);
            }
        }
        if (cached.isPresent()) {
            return new Outcome(
                    layer(cached.get(), annotations(storePaths, format, cached.get().diffId())),
                    Source.CACHE);
        }
        LayerStream stream = ready.layerStarting();
        Layer layer;
        try {
            StoredLayer stored =
                    blobs.store(
                            storePaths,
                            format,
                            out -> tarWriter.writeStorePaths(fsRoot, storePaths, out),
                            compressor,
                            stream);
            layer = layer(stored, annotations(storePaths, format, stored.diffId()));
        } catch (IOException | RuntimeException e) {
            stream.abandoned();
            throw e;
        }
        stream.completed(layer);
        return new Outcome(layer, Source.COMPRESSED);
    }

    private static Map<String, String> annotations(
            List<String> storePaths, String format, String diffId) {
        return Map.of(
                ImageConfigFactory.STORE_PATHS_ANNOTATION, String.join(",", storePaths),
                ImageConfigFactory.LAYER_FORMAT_ANNOTATION, format,
                ImageConfigFactory.DIFF_ID_ANNOTATION, diffId);
    }

    private static int count(List<Outcome> outcomes, Source source) {
        return (int) outcomes.stream().filter(o -> o.source() == source).count();
    }

    /** Runs the layer work on up to {@code jobs} threads and returns the outcomes in order. */
    private List<Outcome> runAll(List<Callable<Outcome>> work, List<Long> sizes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, work.size()));
        try {
            // Largest first: the big layers start compressing and uploading at once, and the last
            // moments
            // of the push are small layers in parallel rather than one big layer alone.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < work.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparing((Integer i) -> sizes.get(i)).reversed());
            List<Future<Outcome>> futures = new ArrayList<>(Collections.nCopies(work.size(), null));
            order.forEach(i -> futures.set(i, pool.submit(work.get(i))));
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NixshipException nixship) {
                throw nixship;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw NixshipException.failure(
                    "cannot write layer blobs under "
                            + blobs.directory()
                            + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("interrupted while assembling layers", e);
        } finally {
            stop(pool);
        }
    }

    /**
     * Stops the other layers on failure and waits for them, so none writes to the blob store after
     * we return.
     */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        boolean interrupted = false;
        while (!pool.isTerminated()) {
            try {
                pool.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where a layer came from. */
    private enum Source {
        CACHE,
        PREVIOUS_IMAGE,
        COMPRESSED
    }

    /** One layer and where it came from. */
    private record Outcome(Layer layer, Source source) {}

    private Layer layer(StoredLayer stored, Map<String, String> annotations) {
        Path blob = blobs.blobPath(stored.digest());
        Descriptor descriptor =
                new Descriptor(compressor.mediaType(), stored.digest(), stored.size(), annotations);
        return new Layer(
                new Blob(descriptor, () -> Files.newInputStream(blob)),
                stored.diffId(),
                stored.storePaths());
    }

    private static void checkPlanCoversClosure(Closure closure, List<List<String>> layerPlan) {
        Set<String> planned = new HashSet<>();
        for (List<String> group : layerPlan) {
            for (String path : group) {
                if (!planned.add(path)) {
                    throw new IllegalArgumentException("layer plan holds " + path + " twice");
                }
            }
        }
        Set<String> closurePaths =
                new HashSet<>(closure.paths().stream().map(StorePathInfo::path).toList());
        if (!planned.equals(closurePaths)) {
            throw new IllegalArgumentException(
                    "layer plan does not match the closure of " + closure.outPath());
        }
    }
}
