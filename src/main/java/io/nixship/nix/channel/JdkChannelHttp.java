package io.nixship.nix.channel;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link ChannelHttp} over the JDK client; redirects are left to the caller, which reads them. */
public final class JdkChannelHttp implements ChannelHttp {
  /** Channel answers are a redirect or a one-line file; more than this is not a channel server. */
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final HttpClient client;

  public JdkChannelHttp() {
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
  }

  @Override
  public Response get(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
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
      throw NixshipException.failure("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw NixshipException.failure("interrupted while fetching " + uri, e);
    }
  }
}
