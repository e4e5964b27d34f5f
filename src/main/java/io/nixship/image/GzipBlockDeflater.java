package io.nixship.image;

import io.nixship.NixshipException;
import java.util.Locale;
import java.util.Optional;

/**
 * The library that deflates gzip blocks. Chosen once, before a build, and named in the layer format
 * (so in the inputs key and the manifest's annotations): two libraries give different bytes for the
 * same tar, each valid gzip.
 */
public interface GzipBlockDeflater {
    /**
     * Raw deflate data of one block: sync-flushed so the next block starts on a byte boundary, or
     * finished when {@code last}; {@code dictionary} (up to 32 KiB, may be null) is the input
     * before it.
     */
    byte[] deflate(byte[] input, int length, byte[] dictionary, int level, boolean last);

    /** Highest level it offers. */
    int maxLevel();

    /** Appended to the layer format; empty for zlib, which earlier releases used alone. */
    String formatSuffix();

    /** For the build's log line, e.g. "ISA-L 2.0.30 (libisal.so.2)". */
    String description();

    /** java.util.zip: always there, any level. */
    static GzipBlockDeflater zlib() {
        return new ZlibBlockDeflater();
    }

    /**
     * The deflater {@code setting} names for {@code level}: {@code isal} (Intel ISA-L through the
     * FFM API, levels 1 to 3), {@code zlib}, or {@code auto}: ISA-L when libisal.so.2 loads and the
     * level is one it has, zlib otherwise.
     */
    static GzipBlockDeflater choose(String setting, int level) {
        String chosen = setting.toLowerCase(Locale.ROOT);
        if (chosen.equals("zlib")) {
            return zlib();
        }
        if (!chosen.equals("auto") && !chosen.equals("isal")) {
            throw NixshipException.usage(
                    "--deflate: '" + setting + "' is not one of auto, isal, zlib");
        }
        Optional<GzipBlockDeflater> isal = IsalBlockDeflater.load();
        if (chosen.equals("auto")) {
            return isal.filter(deflater -> level <= deflater.maxLevel()).orElseGet(() -> zlib());
        }
        GzipBlockDeflater found =
                isal.orElseThrow(
                        () ->
                                NixshipException.usage(
                                        "--deflate isal: libisal.so.2 is not installed; install"
                                                + " Debian's libisal2 or use --deflate zlib"));
        if (level > found.maxLevel()) {
            throw NixshipException.usage(
                    "--deflate isal: ISA-L has gzip levels 1 to "
                            + found.maxLevel()
                            + ", not "
                            + level
                            + "; use --deflate zlib for higher levels");
        }
        return found;
    }
}
