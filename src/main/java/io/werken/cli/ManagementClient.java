package io.werken.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls the management API of a running Werken for the {@code events} and {@code replay} commands, with
 * {@code Authorization: Bearer <WERKEN_ADMIN_TOKEN>} when a token is set. Anything but a 2xx answer becomes a
 * {@link Failure} of one line: the problem's status, title and detail, or what could not be reached.
 */
final class ManagementClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A call that did not give a 2xx answer, in one line (with a problem's field errors after it, if any). */
    static final class Failure extends Exception {

        Failure(String message) {
            super(message);
        }
    }

    private final String baseUrl;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ManagementClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    JsonNode get(String path, Map<String, String> query) throws Failure {
        return send("GET", path, query);
    }

    JsonNode post(String path, Map<String, String> query) throws Failure {
        return send("POST", path, query);
    }

    /** A path segment, percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, Map<String, String> query) throws Failure {
        String url = baseUrl
                + path
                + (query.isEmpty()
                        ? ""
                        : "?"
                                + query.entrySet().stream()
                                        .map(e -> e.getKey() + "="
                                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                                        .collect(Collectors.joining("&")));
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", "application/json");
        } catch (IllegalArgumentException e) {
            throw new Failure("'" + baseUrl + "' is not a usable management URL (" + e.getMessage() + ")");
        }
        request.method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Failure(
                    "No Werken answers at " + baseUrl + " (" + e.getClass().getSimpleName() + "): is it "
                            + "running? Its management port is WERKEN_MANAGEMENT_PORT (default 9876), or give --url.");
        } catch (HttpTimeoutException e) {
            throw new Failure(method + " " + baseUrl + path + " got no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failure(method + " " + baseUrl + path + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(method + " " + baseUrl + path + " was interrupted");
        }
        JsonNode body;
        try {
            body = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() / 100 == 2 && body != null) {
            return body;
        }
        throw new Failure(describe(method, path, response.statusCode(), body));
    }

    private String describe(String method, String path, int status, JsonNode problem) {
        StringBuilder line = new StringBuilder(method + " " + baseUrl + path + ": " + status);
        if (problem != null && problem.hasNonNull("title")) {
            line.append(' ').append(problem.get("title").asText());
        }
        if (problem != null && problem.hasNonNull("detail")) {
            line.append(": ").append(problem.get("detail").asText());
        }
        if (status == 401) {
            line.append(
                    token == null
                            ? " (set WERKEN_ADMIN_TOKEN to the server's admin token)"
                            : " (WERKEN_ADMIN_TOKEN is not the server's admin token)");
        }
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode error : problem.get("errors")) {
                line.append(System.lineSeparator())
                        .append("  ")
                        .append(error.path("pointer").asText())
                        .append(": ")
                        .append(error.path("message").asText());
            }
        }
        return line.toString();
    }
}
