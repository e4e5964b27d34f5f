package io.nixship.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/** Gzip blocks deflated by the JDK's zlib (java.util.zip). */
final class ZlibBlockDeflater implements GzipBlockDeflater {
    @Override
    public byte[] deflate(byte[] input, int length, byte[] dictionary, int level, boolean last) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(input, 0, length);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(length / 2 + 64);
            byte[] buffer = new byte[64 * 1024];
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    compressed.write(buffer, 0, deflater.deflate(buffer));
                }
            } else {
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    compressed.write(buffer, 0, n);
                } while (n == buffer.length);
            }
            return compressed.toByteArray();
        } finally {
            deflater.end();
        }
    }

    @Override
    public int maxLevel() {
        return 9;
    }

    @Override
    public String formatSuffix() {
        return "";
    }

    @Override
    public String description() {
        return "zlib (java.util.zip)";
    }
}
