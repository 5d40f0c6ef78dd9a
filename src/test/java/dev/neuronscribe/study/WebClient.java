package dev.neuronscribe.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser stand-in over real HTTP: keeps its cookies, follows no redirects, sends Origin like a browser. */
final class WebClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([0-9a-f]+)\"");
  private static final Pattern SLOT = Pattern.compile("<legend>Explanation ([A-Z])</legend>\\s*<p class=\"explanation-text\">([^<]*)</p>");

  final String base;
  private final HttpClient http;

  WebClient(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    String csrf() {
      Matcher m = CSRF.matcher(body);
      if (!m.find()) throw new AssertionError("no CSRF field in page:\n" + body);
      return m.group(1);
    }

    String location() {
      return headers.firstValue("Location").orElseThrow(() -> new AssertionError("no Location header, status " + status));
    }

    /** Slot letter -> explanation text (unescaped), in page order. */
    Map<String, String> slots() {
      Map<String, String> out = new LinkedHashMap<>();
      Matcher m = SLOT.matcher(body);
      while (m.find()) out.put(m.group(1), unescape(m.group(2)));
      return out;
    }
  }

  Response get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return send(b.build());
  }

  /** A form post as a browser on our own page sends it (Origin = this server), plus any extra headers. */
  Response post(String path, Map<String, String> form, String... headers) {
    List<String> h = new ArrayList<>(List.of(headers));
    if (!h.contains("Origin") && !h.contains("-Origin")) h.addAll(0, List.of("Origin", base));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    for (int i = 0; i < h.size(); i += 2) {
      if (h.get(i).equals("-Origin")) continue;
      b.header(h.get(i), h.get(i + 1));
    }
    return send(b.build());
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String encode(Map<String, String> form) {
    StringBuilder out = new StringBuilder();
    form.forEach((k, v) -> {
      if (!out.isEmpty()) out.append('&');
      out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return out.toString();
  }

  static String unescape(String html) {
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
  }
}
