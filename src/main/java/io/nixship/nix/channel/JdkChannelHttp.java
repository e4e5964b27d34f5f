package io.nixship.nix.channel;

import io.nixship.NetworkFailureReason;
import io.nixship.NixshipException;
import io.nixship.config.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** {@link ChannelHttp} over the JDK client; redirects are left to the caller, which reads them. */
public final class JdkChannelHttp implements ChannelHttp {
    /**
     * Channel answers are a redirect or a one-line file; more than this is not a channel server.
     */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration answerTimeout;

    public JdkChannelHttp() {
        this(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** Shorter limits let tests meet a server that never answers. */
    JdkChannelHttp(Duration connectTimeout, Duration answerTimeout) {
        this.connectTimeout = connectTimeout;
        this.answerTimeout = answerTimeout;
        this.client =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(connectTimeout)
                        .build();
    }

    @Override
    public Response get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(answerTimeout).GET().build();
        try {
            HttpResponse<InputStream> response =
                    client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY_BYTES);
            }
            return new Response(
                    response.statusCode(), response.headers().firstValue("Location"), body);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot reach "
                            + uri
                            + ": "
                            + reason(uri, e)
                            + "; check the network and --channel-url",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("interrupted while fetching " + uri, e);
        }
    }

    /**
     * The time limits' own words first (they name this client's limits), else the shared reasons.
     */
    private String reason(URI uri, IOException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return "no connection within " + DurationText.format(connectTimeout);
            }
            if (cause instanceof HttpTimeoutException) {
                return "connected, but no answer within " + DurationText.format(answerTimeout);
            }
        }
        return NetworkFailureReason.of(failure, uri.getHost());
    }
}
