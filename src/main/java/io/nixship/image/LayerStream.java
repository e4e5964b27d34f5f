package io.nixship.image;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where one layer's compressed bytes go while they are made, besides the layer cache: a registry
 * upload that starts with the first byte instead of after the last. Written by one thread.
 */
public interface LayerStream {
    /** Nowhere: the layer goes to the cache only. */
    LayerStream NONE =
            new LayerStream() {
                @Override
                public void write(byte[] bytes, int offset, int length) {}

                @Override
                public void completed(Layer layer) {}

                @Override
                public void abandoned() {}
            };

    /**
     * The next compressed bytes. A failure of the destination is the stream's own to handle later
     * (the cache still gets every byte), so this throws only when the writing thread is
     * interrupted.
     */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Every byte was written and the layer is complete, its blob in the cache; called before the
     * layer is announced.
     */
    void completed(Layer layer);

    /** The layer could not be made: what was sent of it is to be dropped. */
    void abandoned();

    /** This stream as an {@link OutputStream}, to tee a compressor's output into. */
    default OutputStream asOutputStream() {
        LayerStream stream = this;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                stream.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                stream.write(bytes, offset, length);
            }
        };
    }
}
