package io.nixship.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Gzip blocks deflated by Intel ISA-L's igzip (libisal.so.2, Debian's libisal2) through the FFM
 * API, with no binding jar: at level 3 it spends about a sixth of zlib's CPU for under 1% more
 * bytes (bench/run). Each block gets a fresh stream, the previous block's tail as dictionary and a
 * sync flush, as with zlib, so blocks join into one standard gzip member.
 *
 * <p>The offsets are those of {@code struct isal_zstream} in ISA-L's public header, stable across
 * the library's ABI 2 (Debian 12's 2.30, 13's 2.31).
 */
@SuppressWarnings("restricted") // calling native code through FFM is this class's purpose
final class IsalBlockDeflater implements GzipBlockDeflater {
    private static final String LIBRARY = "libisal.so.2";
    private static final String SONAME_PREFIX = "libisal.so.";

    /** sizeof(struct isal_zstream) is 82,384 in 2.30; the rest is room a later 2.x may use. */
    private static final long STREAM_SIZE = 128 * 1024;

    private static final long NEXT_IN = 0;
    private static final long AVAIL_IN = 8;
    private static final long NEXT_OUT = 16;
    private static final long AVAIL_OUT = 24;
    private static final long LEVEL = 40;
    private static final long LEVEL_BUF_SIZE = 44;
    private static final long LEVEL_BUF = 48;
    private static final long END_OF_STREAM = 56;
    private static final long FLUSH = 58;
    private static final long STATE = 84;
    private static final short NO_FLUSH = 0;
    private static final short SYNC_FLUSH = 1;
    private static final int ZSTATE_END = 11;
    private static final int COMP_OK = 0;

    /** ISAL_DEF_LVL1_DEFAULT .. ISAL_DEF_LVL3_DEFAULT: each level's working memory. */
    private static final long[] LEVEL_BUFFER = {0, 282_624, 331_776, 348_160};

    private final MethodHandle init;
    private final MethodHandle setDictionary;
    private final MethodHandle deflate;
    private final String version;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    private IsalBlockDeflater(SymbolLookup library, String version) {
        Linker linker = Linker.nativeLinker();
        this.init =
                linker.downcallHandle(
                        library.findOrThrow("isal_deflate_init"),
                        FunctionDescriptor.ofVoid(ADDRESS));
        this.setDictionary =
                linker.downcallHandle(
                        library.findOrThrow("isal_deflate_set_dict"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        this.deflate =
                linker.downcallHandle(
                        library.findOrThrow("isal_deflate"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.version = version;
    }

    /** ISA-L if this process can load it; the library stays loaded for the process's life. */
    static Optional<GzipBlockDeflater> load() {
        SymbolLookup library;
        try {
            library = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException notInstalled) {
            return Optional.empty();
        }
        return Optional.of(new IsalBlockDeflater(library, loadedVersion()));
    }

    /**
     * The version in the file name the dynamic loader mapped (libisal.so.2.0.30), which is what
     * shapes the bytes; "unknown" where /proc does not say.
     */
    private static String loadedVersion() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int path = line.indexOf('/');
                if (path >= 0 && line.contains("/" + LIBRARY)) {
                    String file =
                            Path.of(line.substring(path)).toRealPath().getFileName().toString();
                    return file.startsWith(SONAME_PREFIX)
                            ? file.substring(SONAME_PREFIX.length())
                            : file;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return "unknown";
        }
        return "unknown";
    }

    @Override
    public byte[] deflate(byte[] input, int length, byte[] dictionary, int level, boolean last) {
        if (level < 1 || level > maxLevel()) {
            throw new IllegalArgumentException("ISA-L level must be 1.." + maxLevel());
        }
        Workspace work = workspaces.get().fit(length);
        MemorySegment stream = work.stream;
        try {
            init.invokeExact(stream);
            stream.set(JAVA_INT, LEVEL, level);
            stream.set(JAVA_INT, LEVEL_BUF_SIZE, (int) LEVEL_BUFFER[level]);
            stream.set(ADDRESS, LEVEL_BUF, work.levelBuffer);
            if (dictionary != null && dictionary.length > 0) {
                MemorySegment.copy(dictionary, 0, work.dictionary, JAVA_BYTE, 0, dictionary.length);
                int set =
                        (int) setDictionary.invokeExact(stream, work.dictionary, dictionary.length);
                check(set, "isal_deflate_set_dict");
            }
            MemorySegment.copy(input, 0, work.input, JAVA_BYTE, 0, length);
            stream.set(ADDRESS, NEXT_IN, work.input);
            stream.set(JAVA_INT, AVAIL_IN, length);
            stream.set(JAVA_SHORT, END_OF_STREAM, (short) (last ? 1 : 0));
            stream.set(JAVA_SHORT, FLUSH, last ? NO_FLUSH : SYNC_FLUSH);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(length / 2 + 64);
            int capacity = (int) work.output.byteSize();
            while (true) {
                stream.set(ADDRESS, NEXT_OUT, work.output);
                stream.set(JAVA_INT, AVAIL_OUT, capacity);
                check((int) deflate.invokeExact(stream), "isal_deflate");
                int free = stream.get(JAVA_INT, AVAIL_OUT);
                compressed.write(work.output.asSlice(0, capacity - free).toArray(JAVA_BYTE));
                boolean inputDone = stream.get(JAVA_INT, AVAIL_IN) == 0;
                boolean done =
                        last ? stream.get(JAVA_INT, STATE) == ZSTATE_END : inputDone && free > 0;
                if (done) {
                    return compressed.toByteArray();
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ISA-L call failed: " + e, e);
        }
    }

    /**
     * One thread's native memory, kept between blocks: allocating and zeroing it for each block
     * cost as much CPU as the deflate itself. The GC frees it when the thread is gone.
     */
    private static final class Workspace {
        private final Arena arena = Arena.ofAuto();
        private final MemorySegment stream = arena.allocate(STREAM_SIZE, 16);
        private final MemorySegment levelBuffer = arena.allocate(LEVEL_BUFFER[3], 16);
        private final MemorySegment dictionary =
                arena.allocate(ParallelGzipOutputStream.DICTIONARY_SIZE);
        private MemorySegment input = MemorySegment.NULL;
        private MemorySegment output = MemorySegment.NULL;

        /** Buffers for a block of {@code length} bytes, and room for it not to shrink. */
        Workspace fit(int length) {
            if (input.byteSize() < Math.max(1, length)) {
                input = arena.allocate(Math.max(1, length));
                output = arena.allocate(length + length / 8 + 64 * 1024);
            }
            return this;
        }
    }

    private static void check(int result, String function) {
        if (result != COMP_OK) {
            throw new IllegalStateException(function + " returned " + result);
        }
    }

    @Override
    public int maxLevel() {
        return 3;
    }

    @Override
    public String formatSuffix() {
        return "-isal-" + version;
    }

    @Override
    public String description() {
        return "ISA-L " + version + " (" + LIBRARY + ")";
    }
}
