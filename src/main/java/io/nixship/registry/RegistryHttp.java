package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * Talks HTTP to one registry host: picks http only where allowed, answers auth challenges (Basic,
 * Bearer tokens per repository scope, refreshed on expiry), follows redirects without carrying
 * credentials to another origin, and retries transient failures.
 *
 * <p>Credentials for the registry host also go, as HTTP Basic, to the Bearer token realm the
 * registry names, even when the realm is another host: that is what the token protocol is for and
 * what docker does (Docker Hub's realm is auth.docker.io). The realm must be https unless it is
 * loopback or an allowed insecure host. The bearer token itself goes only to the registry's own
 * origin.
 */
final class RegistryHttp {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_REDIRECTS = 5;

    /** Manifests, configs and error bodies; an image manifest is a few KiB. */
    static final int MAX_BODY_BYTES = 4 << 20;

    static final int MAX_TOKEN_BYTES = 1 << 20;
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(10);
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    record Request(
            String method, URI uri, Map<String, String> headers, Supplier<BodyPublisher> body) {
        static Request of(String method, URI uri) {
            return new Request(method, uri, Map.of(), BodyPublishers::noBody);
        }
    }

    record Response(String method, URI uri, int status, HttpHeaders headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /** A failure worth trying again: a connection error or a status such as 429 or 503. */
    static final class Transient extends Exception {
        final Response response;

        Transient(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException, InterruptedException, Transient;
    }

    private record Token(String value, Instant expiresAt) {}

    private final String host;
    private final String scheme;
    private final Optional<RegistryCredentials> credentials;
    private final Set<String> insecureHosts;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Consumer<String> secretSeen;
    private final HttpClient client;
    private final Duration timeout;
    private volatile AuthChallenge challenge;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> tokenLocks = new ConcurrentHashMap<>();

    RegistryHttp(
            String host,
            Optional<RegistryCredentials> credentials,
            Set<String> insecureHosts,
            RetryPolicy retry,
            Clock clock,
            Consumer<String> secretSeen,
            Duration timeout) {
        this.host = host;
        this.timeout = timeout;
        this.secretSeen = secretSeen;
        this.insecureHosts = Set.copyOf(insecureHosts);
        this.scheme = plainHttpAllowed(host, this.insecureHosts) ? "http" : "https";
        this.credentials = credentials;
        this.retry = retry;
        this.clock = clock;
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout);
        if (scheme.equals("http")) {
            // The default TLS context loads the JDK's trust store (a tenth of a no-op push's time);
            // a plain-HTTP
            // registry never uses TLS, and this context trusts nothing, so a TLS connection could
            // never succeed.
            builder.sslContext(trustNothing());
        }
        this.client = builder.build();
    }

    private static SSLContext trustNothing() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS implementation", e);
        }
    }

    String host() {
        return host;
    }

    URI uri(String pathAndQuery) {
        return URI.create(scheme + "://" + host + pathAndQuery);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Plain HTTP is for loopback hosts and hosts the user named as insecure, nothing else. */
    static boolean plainHttpAllowed(String hostPort, Set<String> insecureHosts) {
        if (insecureHosts.contains(hostPort)) {
            return true;
        }
        String hostOnly = hostOnly(hostPort);
        if (insecureHosts.contains(hostOnly)) {
            return true;
        }
        if (hostOnly.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (hostOnly.matches("[0-9.]+") || hostOnly.contains(":")) {
            try {
                return InetAddress.getByName(hostOnly).isLoopbackAddress();
            } catch (IOException notAnAddress) {
                return false;
            }
        }
        return false;
    }

    private static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            return hostPort.substring(1, hostPort.indexOf(']'));
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /** One request with retries on transient failures; the caller judges the final status. */
    Response send(Request request, List<String> scopes) {
        return retrying(
                request.method() + " " + request.uri().getRawPath(),
                () -> {
                    Response response = exchange(request, scopes);
                    if (isTransient(response.status())) {
                        throw new Transient(response);
                    }
                    return response;
                });
    }

    /**
     * Runs {@code attempt} until it succeeds, a non-transient failure is thrown, or tries run out.
     */
    <T> T retrying(String what, Attempt<T> attempt) {
        return retrying(what, 0, attempt);
    }

    /**
     * Like {@link #retrying(String, Attempt)} when {@code failedAlready} tries (fewer than the
     * policy allows) were made another way: waits as after those, then makes the tries that remain.
     */
    <T> T retrying(String what, int failedAlready, Attempt<T> attempt) {
        if (failedAlready >= retry.maxAttempts()) {
            throw new IllegalArgumentException(
                    failedAlready
                            + " tries failed already; the policy allows "
                            + retry.maxAttempts());
        }
        if (failedAlready > 0) {
            pause(what, failedAlready, Optional.empty());
        }
        for (int tried = failedAlready + 1; ; tried++) {
            Optional<Duration> retryAfter = Optional.empty();
            try {
                return attempt.run();
            } catch (Transient failure) {
                Response response = failure.response;
                if (tried >= retry.maxAttempts()) {
                    throw NixshipException.failure(
                            describe(response) + " after " + tried + " attempts");
                }
                retryAfter = retryAfter(response);
            } catch (IOException failure) {
                notWorthRetrying(failure, what)
                        .ifPresent(
                                error -> {
                                    throw error;
                                });
                if (tried >= retry.maxAttempts()) {
                    throw NixshipException.failure(
                            "registry "
                                    + host
                                    + ": "
                                    + what
                                    + " failed after "
                                    + tried
                                    + " attempts: "
                                    + describe(failure),
                            failure);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw NixshipException.failure(
                        "registry " + host + ": " + what + " was interrupted");
            }
            pause(what, tried, retryAfter);
        }
    }

    private void pause(String what, int failedAttempt, Optional<Duration> retryAfter) {
        try {
            retry.sleeper().sleep(retry.delayAfter(failedAttempt, retryAfter));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("registry " + host + ": " + what + " was interrupted");
        }
    }

    /** How many tries of one operation the retry policy allows. */
    int maxAttempts() {
        return retry.maxAttempts();
    }

    /**
     * Failures another try cannot fix: a host name that does not resolve, and a TLS handshake
     * answered in plain HTTP (a registry without TLS, which we only speak to where allowed). Other
     * TLS errors, such as a connection reset mid-upload, stay retryable.
     */
    private Optional<NixshipException> notWorthRetrying(IOException failure, String what) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException
                    || cause instanceof UnknownHostException) {
                return Optional.of(
                        NixshipException.failure(
                                "registry "
                                        + host
                                        + ": cannot resolve host "
                                        + hostOnly(host)
                                        + " ("
                                        + what
                                        + "); check the registry in --to",
                                failure));
            }
            if (cause instanceof SSLException
                    && String.valueOf(cause.getMessage()).contains("plaintext connection")) {
                return Optional.of(
                        NixshipException.failure(
                                "registry "
                                        + host
                                        + ": TLS handshake failed: it answered in plain HTTP; nixship speaks plain HTTP only to"
                                        + " loopback registries and hosts named with --insecure-registry: if "
                                        + host
                                        + " has no TLS, pass --insecure-registry "
                                        + host,
                                failure));
            }
        }
        return Optional.empty();
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    NixshipException refusal(Response response) {
        return NixshipException.failure(describe(response));
    }

    private String describe(Response response) {
        return redact(
                RegistryErrors.describe(
                        host,
                        response.method(),
                        response.uri(),
                        response.status(),
                        response.body()));
    }

    /**
     * Error bodies are the registry's text and may echo what we sent: our secrets never reach a
     * message.
     */
    private String redact(String text) {
        String redacted = text;
        for (Token token : tokens.values()) {
            redacted = redacted.replace(token.value(), "***");
        }
        if (credentials.isPresent()) {
            redacted =
                    redacted.replace(credentials.get().secret(), "***")
                            .replace(
                                    credentials.get().basicHeader().substring("Basic ".length()),
                                    "***");
        }
        return redacted;
    }

    /**
     * Sends once, following redirects, and answers one 401 by authenticating again when that can
     * change the outcome: the first challenge, or a Bearer token that may have expired. Wrong Basic
     * credentials are not sent twice.
     */
    Response exchange(Request request, List<String> scopes)
            throws IOException, InterruptedException {
        boolean authenticatedAgain = false;
        while (true) {
            AuthChallenge before = challenge;
            Response response = followRedirects(request, scopes);
            if (response.status() != 401 || authenticatedAgain || !sameOrigin(response.uri())) {
                return response;
            }
            Optional<AuthChallenge> offered =
                    AuthChallenge.parse(response.header("WWW-Authenticate").orElse(null));
            if (offered.isEmpty() || !(offered.get().isBasic() || offered.get().isBearer())) {
                return response;
            }
            boolean firstChallenge =
                    before == null || !before.scheme().equals(offered.get().scheme());
            if (offered.get().isBasic() && (credentials.isEmpty() || !firstChallenge)) {
                return response;
            }
            challenge = offered.get();
            tokens.remove(scopeKey(scopes));
            authenticatedAgain = true;
        }
    }

    /**
     * Sends once, without following a redirect or answering a challenge again: for a body that can
     * be produced only once, such as a layer streamed while it is compressed. Authorization is
     * settled before (a token fetched if needed); the answer comes when the body has been sent.
     */
    CompletableFuture<Response> sendOnce(Request request, List<String> scopes)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(request.uri())
                        .method(request.method(), request.body().get());
        request.headers().forEach(builder::header);
        authorization(request.uri(), scopes)
                .ifPresent(value -> builder.header("Authorization", value));
        return client.sendAsync(builder.build(), BodyHandlers.ofByteArray())
                .thenApply(
                        raw ->
                                new Response(
                                        request.method(),
                                        request.uri(),
                                        raw.statusCode(),
                                        raw.headers(),
                                        raw.body()));
    }

    private Response followRedirects(Request request, List<String> scopes)
            throws IOException, InterruptedException {
        URI uri = request.uri();
        String method = request.method();
        Supplier<BodyPublisher> body = request.body();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method, body.get());
            request.headers().forEach(builder::header);
            Optional<String> authorization = authorization(uri, scopes);
            authorization.ifPresent(value -> builder.header("Authorization", value));
            var raw = bounded(builder.timeout(timeout).build(), MAX_BODY_BYTES);
            Response response =
                    new Response(method, uri, raw.statusCode(), raw.headers(), raw.body());
            Optional<String> location = response.header("Location");
            boolean redirect =
                    switch (raw.statusCode()) {
                        case 301, 302, 303, 307, 308 -> true;
                        default -> false;
                    };
            if (!redirect || location.isEmpty() || hop >= MAX_REDIRECTS) {
                return response;
            }
            uri = uri.resolve(location.get());
            if (raw.statusCode() == 303) {
                method = "GET";
                body = BodyPublishers::noBody;
            }
        }
    }

    /**
     * Sends and reads the answer, the headers within the request's own timeout ({@link #timeout}),
     * refusing a body over {@code maxBytes} as soon as it passes it, so a registry can neither
     * stall a run before it answers nor fill its memory.
     */
    private HttpResponse<byte[]> bounded(HttpRequest request, int maxBytes)
            throws IOException, InterruptedException {
        // Synchronous: waiting on sendAsync's future here (a timed get) left streamed pushes with
        // one upload thread stalled for good (PushFaultTest); the request's own timeout bounds the
        // wait for the headers and the cap bounds the body.
        return client.send(request, info -> new CappedBody(maxBytes));
    }

    /** Collects a body up to a cap; a longer one fails the exchange and stops its download. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
            if (bytes.size() > maxBytes && !body.isDone()) {
                subscription.cancel();
                body.completeExceptionally(
                        new IOException("answer body over " + maxBytes + " bytes; refused"));
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }

    /** The Authorization header for {@code uri}: only for this registry's own origin. */
    private Optional<String> authorization(URI uri, List<String> scopes)
            throws IOException, InterruptedException {
        AuthChallenge current = challenge;
        if (current == null || !sameOrigin(uri)) {
            return Optional.empty();
        }
        if (current.isBasic()) {
            return credentials.map(RegistryCredentials::basicHeader);
        }
        return Optional.of("Bearer " + token(current, scopes));
    }

    boolean sameOrigin(URI uri) {
        URI ours = uri("/");
        return ours.getScheme().equalsIgnoreCase(uri.getScheme())
                && ours.getHost().equalsIgnoreCase(uri.getHost())
                && port(ours) == port(uri);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String scopeKey(List<String> scopes) {
        return String.join(" ", scopes);
    }

    private String token(AuthChallenge bearer, List<String> scopes)
            throws IOException, InterruptedException {
        String key = scopeKey(scopes);
        // One fetch per scope even when many blob checks start at once.
        synchronized (tokenLocks.computeIfAbsent(key, k -> new Object())) {
            Token cached = tokens.get(key);
            if (cached != null && cached.expiresAt().isAfter(clock.instant().plus(TOKEN_MARGIN))) {
                return cached.value();
            }
            Token fresh = fetchToken(bearer, scopes);
            tokens.put(key, fresh);
            return fresh.value();
        }
    }

    private Token fetchToken(AuthChallenge bearer, List<String> scopes)
            throws IOException, InterruptedException {
        String realm =
                bearer.param("realm")
                        .orElseThrow(
                                () ->
                                        NixshipException.failure(
                                                "registry "
                                                        + host
                                                        + ": Bearer challenge names no realm"));
        URI realmUri = URI.create(realm);
        String realmHost =
                realmUri.getPort() < 0
                        ? realmUri.getHost()
                        : realmUri.getHost() + ":" + realmUri.getPort();
        if (!"https".equalsIgnoreCase(realmUri.getScheme())
                && !("http".equalsIgnoreCase(realmUri.getScheme())
                        && plainHttpAllowed(realmHost, insecureHosts))) {
            throw NixshipException.failure(
                    "registry "
                            + host
                            + ": token realm "
                            + realmUri.getScheme()
                            + "://"
                            + realmHost
                            + " is not https; refusing to authenticate there (allow it with --insecure-registry "
                            + realmHost
                            + ")");
        }
        StringBuilder query = new StringBuilder();
        bearer.param("service")
                .ifPresent(service -> query.append("service=").append(encode(service)));
        for (String scope : scopes) {
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(scope));
        }
        URI tokenUri =
                URI.create(
                        realm
                                + (query.length() == 0
                                        ? ""
                                        : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(tokenUri).timeout(timeout).GET();
        credentials.ifPresent(c -> builder.header("Authorization", c.basicHeader()));
        var raw = bounded(builder.build(), MAX_TOKEN_BYTES);
        if (raw.statusCode() != 200) {
            String line =
                    "registry "
                            + host
                            + ": token endpoint "
                            + realmHost
                            + realmUri.getRawPath()
                            + " answered "
                            + raw.statusCode()
                            + " "
                            + redact(RegistryErrors.codes(raw.statusCode(), raw.body()));
            if (isTransient(raw.statusCode())) {
                throw new IOException(line);
            }
            throw NixshipException.failure(line);
        }
        JsonNode json = JSON.readTree(raw.body());
        String value = json.path("token").asText(json.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw NixshipException.failure(
                    "registry " + host + ": token endpoint " + realmHost + " returned no token");
        }
        secretSeen.accept(value);
        long seconds = json.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
        Instant issued = clock.instant();
        return new Token(value, issued.plusSeconds(Math.max(seconds, 1)));
    }

    private Optional<Duration> retryAfter(Response response) {
        Optional<String> header = response.header("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        if (value.matches("[0-9]{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }

    private static String describe(IOException failure) {
        // java.net.http wraps the socket's error ("Connection refused") in an exception without a
        // message.
        String message = failure.getMessage();
        for (Throwable cause = failure.getCause();
                (message == null || message.isBlank()) && cause != null;
                cause = cause.getCause()) {
            message = cause.getMessage();
        }
        if ((message == null || message.isBlank()) && failure instanceof ConnectException) {
            // Timeouts come as HttpConnectTimeoutException with a message; a bare one is a refusal.
            message = "connection refused";
        }
        String kind = failure.getClass().getSimpleName();
        return message == null || message.isBlank()
                ? kind
                : kind + " (" + message.replaceAll("[\\r\\n]+", " ") + ")";
    }
}
