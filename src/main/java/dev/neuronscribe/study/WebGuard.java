package dev.neuronscribe.study;

import io.javalin.http.Context;
import java.util.Set;

/**
 * The app's defences, in one place.
 *
 * <ul>
 *   <li>Cross-site request forgery: every browser gets a random {@code ns_browser} cookie (HttpOnly,
 *       SameSite=Strict); every form carries {@code _csrf} = HMAC(server secret, that cookie). A POST is
 *       accepted only if its {@code Origin} (or, lacking one, its {@code Referer}) is this server and its
 *       {@code _csrf} matches its cookie. The secret lives in the database, so open forms survive a restart.
 *   <li>Organiser: signing in with the organiser token sets {@code ns_organiser} = HMAC(secret, hash of the
 *       token); a new token (a restart without a fixed token) signs every organiser out.
 *       {@code Authorization: Bearer TOKEN} works too, for scripts fetching CSVs.
 *   <li>DNS rebinding: while the server listens on a loopback address, requests naming another host are refused.
 * </ul>
 * Every comparison of secrets is constant-time.
 */
final class WebGuard {
  static final String CSRF_FIELD = "_csrf";
  private static final String BROWSER_COOKIE = "ns_browser";
  private static final String ORGANISER_COOKIE = "ns_organiser";
  private static final String FORM_TOKEN_ATTRIBUTE = "ns.csrf";

  private final byte[] secret;
  private final String organiserTokenHash;
  private final boolean loopbackOnly;
  private final Tokens tokens;

  WebGuard(byte[] secret, String organiserToken, boolean loopbackOnly, Tokens tokens) {
    this.secret = secret.clone();
    this.organiserTokenHash = Tokens.sha256Hex(organiserToken);
    this.loopbackOnly = loopbackOnly;
    this.tokens = tokens;
  }

  /** Headers for every response: no scripts at all, no framing, no sniffing, no referrer to other sites. */
  void secureHeaders(Context ctx) {
    ctx.header("Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }

  void checkHost(Context ctx) {
    if (!loopbackOnly) return;
    // A web page cannot rebind its own domain name to 127.0.0.1 and reach the app: its requests name its host.
    int port = ctx.req().getLocalPort();
    String host = ctx.header("Host");
    if (host == null || !Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port).contains(host.toLowerCase(java.util.Locale.ROOT))) {
      throw new HttpProblem(403, "Wrong host", "This server answers only to the address it was started on.");
    }
  }

  /** The form token for this browser, creating the browser cookie on its first visit. */
  Html formToken(Context ctx) {
    String cached = ctx.attribute(FORM_TOKEN_ATTRIBUTE);
    if (cached != null) return Html.text(cached);
    String browser = ctx.cookie(BROWSER_COOKIE);
    if (browser == null || !Tokens.looksLikeToken(browser)) {
      browser = tokens.newToken();
      setCookie(ctx, BROWSER_COOKIE, browser, 60 * 60 * 24 * 90);
    }
    String token = Tokens.hmacHex(secret, "csrf:" + browser);
    ctx.attribute(FORM_TOKEN_ATTRIBUTE, token);
    return Html.text(token);
  }

  /** Refuses (403) a POST that is not from one of our own pages in this browser. */
  void checkPost(Context ctx) {
    String origin = ctx.header("Origin");
    String self = "://" + ctx.header("Host");
    boolean sameOrigin;
    if (origin != null) {
      sameOrigin = origin.equals("http" + self) || origin.equals("https" + self);
    } else {
      String referer = ctx.header("Referer");
      sameOrigin = referer != null && (referer.startsWith("http" + self + "/") || referer.startsWith("https" + self + "/"));
    }
    if (!sameOrigin) {
      throw new HttpProblem(403, "Refused", "This form was sent from another site (or without saying where from), so it was not accepted.");
    }
    String browser = ctx.cookie(BROWSER_COOKIE);
    String sent = ctx.formParam(CSRF_FIELD);
    if (browser == null || sent == null || !Tokens.constantTimeEquals(sent, Tokens.hmacHex(secret, "csrf:" + browser))) {
      throw new HttpProblem(403, "Refused", "The form's security token is missing or does not match this browser. Go back, reload the page and send it again.");
    }
  }

  boolean isOrganiser(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      return Tokens.constantTimeEquals(Tokens.sha256Hex(auth.substring("Bearer ".length()).strip()), organiserTokenHash);
    }
    String cookie = ctx.cookie(ORGANISER_COOKIE);
    return cookie != null && Tokens.constantTimeEquals(cookie, organiserCookieValue());
  }

  void requireOrganiser(Context ctx) {
    if (!isOrganiser(ctx)) {
      throw new HttpProblem(401, "Organisers only", "Sign in with the organiser token that `scribe serve` printed when it started.");
    }
  }

  /** Signs this browser in if the token is the organiser token. */
  boolean signIn(Context ctx, String candidate) {
    if (!Tokens.constantTimeEquals(Tokens.sha256Hex(candidate.strip()), organiserTokenHash)) return false;
    setCookie(ctx, ORGANISER_COOKIE, organiserCookieValue(), 60 * 60 * 24 * 30);
    return true;
  }

  void signOut(Context ctx) {
    setCookie(ctx, ORGANISER_COOKIE, "", 0);
  }

  private String organiserCookieValue() {
    return Tokens.hmacHex(secret, "organiser:" + organiserTokenHash);
  }

  private static void setCookie(Context ctx, String name, String value, int maxAgeSeconds) {
    String secure = "https".equals(ctx.scheme()) ? "; Secure" : "";
    ctx.addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + secure);
  }
}
