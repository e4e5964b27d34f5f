package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.config.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** {@link ChannelHttp} over the JDK client; redirects are left to the caller, which reads them. */
public final class JdkChannelHttp implements ChannelHttp {
  /** Channel answers are a redirect or a one-line file; more than this is not a channel server. */
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
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(answerTimeout).GET().build();
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
          "cannot reach " + uri + ": " + reason(uri, e) + "; check the network and --channel-url", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw NixshipException.failure("interrupted while fetching " + uri, e);
    }
  }

  /**
   * Why a request failed, in words. java.net.http reports a refused connection and an unresolvable
   * host as a {@link ConnectException} without a message, so the cause chain is what says which.
   */
  private String reason(URI uri, IOException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
        return "the host name does not resolve";
      }
      if (cause instanceof HttpConnectTimeoutException) {
        return "no connection within " + DurationText.format(connectTimeout);
      }
      if (cause instanceof HttpTimeoutException) {
        return "connected, but no answer within " + DurationText.format(answerTimeout);
      }
      if (cause instanceof SSLException tls) {
        return tlsReason(tls, uri.getHost());
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return Optional.ofNullable(cause.getMessage())
            .filter(message -> !message.isBlank())
            .orElse("connection refused, or the host is unreachable");
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage().replaceAll("\\s+", " ");
      }
    }
    return failure.getClass().getSimpleName();
  }

  private static String tlsReason(SSLException tls, String host) {
    String message = String.valueOf(tls.getMessage());
    if (message.contains("plaintext connection")) {
      return "TLS handshake failed: the server answered in plain HTTP (use an http:// URL if it has no TLS)";
    }
    if (message.contains("PKIX") || message.contains("certification path")) {
      return "TLS handshake failed: the server's certificate is not signed by a CA this machine trusts";
    }
    if (message.contains("subject alternative name") || message.contains("No name matching")) {
      return "TLS handshake failed: the server's certificate is not for " + host;
    }
    if (message.contains("expired") || message.contains("NotAfter")) {
      return "TLS handshake failed: the server's certificate has expired";
    }
    return "TLS failed: " + message;
  }
}
