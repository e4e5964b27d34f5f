package io.nixship.nix.channel;

import java.net.URI;
import java.util.Optional;

/** The HTTP the channel resolver needs: one GET that never follows redirects. */
public interface ChannelHttp {

    /** Status, redirect target (as sent) and body (small files only; capped by the edge). */
    record Response(int status, Optional<String> location, byte[] body) {}

    Response get(URI uri);
}
