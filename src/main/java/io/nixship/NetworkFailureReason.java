package io.nixship;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a network request failed, in words, for the adapters that talk HTTP (channel server, GitHub).
 * java.net.http reports a refused connection and an unresolvable host as a {@link ConnectException}
 * without a message, so the cause chain is what says which.
 */
public final class NetworkFailureReason {
    private NetworkFailureReason() {}

    /** The reason for {@code failure} on a request to {@code host}; never null, never empty. */
    public static String of(Throwable failure, String host) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException
                    || cause instanceof UnknownHostException) {
                return "the host name does not resolve";
            }
            if (cause instanceof SSLException tls) {
                return tlsReason(tls, host);
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
                return cause.getClass().getSimpleName()
                        + ": "
                        + cause.getMessage().replaceAll("\\s+", " ");
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
