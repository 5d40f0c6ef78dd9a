package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutionException;

/**
 * OpenAI's public neuron-explainer data for GPT-2 XL, the data the paper's experiments run on:
 * {@code BASE/collated-activations/{layer}/{neuron}.json} (a NeuronRecord) and
 * {@code BASE/explanations/{layer}/{neuron}.jsonl} (their explanations with simulation scores).
 *
 * <p>Files are kept in a local cache with the same layout, so {@code CACHE/collated-activations} is a
 * {@link NeuronRecordDirectory}. A file already in the cache is not fetched again (resume): files are
 * only written whole, after their content was checked, so a file present is a good file. Downloads
 * run in parallel up to a bound; transient failures (connection errors, timeouts, HTTP 429 and 5xx,
 * content that does not parse) are retried with exponential back-off; a 404 or another 4xx is final.
 * Explanation files are stored as downloaded (their parsing belongs to the simulate package), after a
 * check that every line is a JSON object.
 */
public final class OpenAiPublicData {
  public static final URI DEFAULT_BASE = URI.create("https://openaipublic.blob.core.windows.net/neuron-explainer/data/");

  /** The two kinds of file per neuron. */
  public enum Kind {
    RECORD("collated-activations", ".json"),
    EXPLANATIONS("explanations", ".jsonl");

    final String directory;
    final String extension;

    Kind(String directory, String extension) {
      this.directory = directory;
      this.extension = extension;
    }

    String relative(NeuronId id) {
      return directory + "/" + id.layer() + "/" + id.neuron() + extension;
    }
  }

  /**
   * @param attempts tries per file, at least 1
   * @param firstBackoff wait before the second try; doubled before each further try (a server's
   *     Retry-After, when longer, is honoured up to a minute)
   */
  public record Settings(URI base, Path cache, int jobs, int attempts, Duration requestTimeout, Duration firstBackoff) {
    public Settings {
      String b = base.toString();
      if (!b.endsWith("/")) base = URI.create(b + "/");
      if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
      if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }

    public static Settings defaults(Path cache) {
      return new Settings(DEFAULT_BASE, cache, 8, 4, Duration.ofSeconds(120), Duration.ofSeconds(1));
    }
  }

  public enum Status { DOWNLOADED, CACHED, FAILED }

  /** What happened to one file. {@code detail} says why it failed. */
  public record Outcome(NeuronId id, Kind kind, Status status, String detail, int attempts) {}

  /** Hears each file's outcome as soon as it is known (from several threads). */
  @FunctionalInterface
  public interface Listener {
    void done(Outcome outcome);
  }

  private final HttpClient http;
  private final Settings settings;

  public OpenAiPublicData(Settings settings) {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NORMAL).build(), settings);
  }

  public OpenAiPublicData(HttpClient http, Settings settings) {
    this.http = http;
    this.settings = settings;
  }

  public Path pathOf(NeuronId id, Kind kind) {
    return settings.cache().resolve(kind.directory).resolve(Integer.toString(id.layer())).resolve(id.neuron() + kind.extension);
  }

  public URI urlOf(NeuronId id, Kind kind) {
    return settings.base().resolve(kind.relative(id));
  }

  /** The cached NeuronRecords, in OpenAI's directory layout. */
  public NeuronRecordDirectory records() {
    return new NeuronRecordDirectory(settings.cache().resolve(Kind.RECORD.directory));
  }

  /** Fetches every wanted file of every neuron; returns one outcome per file, in request order. */
  public List<Outcome> fetch(List<NeuronId> ids, Set<Kind> kinds, Listener listener) throws InterruptedException {
    Semaphore slots = new Semaphore(settings.jobs());
    List<Future<Outcome>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (NeuronId id : ids) {
        for (Kind kind : Kind.values()) {
          if (!kinds.contains(kind)) continue;
          futures.add(pool.submit(() -> {
            slots.acquire();
            try {
              Outcome o = fetchOne(id, kind);
              listener.done(o);
              return o;
            } finally {
              slots.release();
            }
          }));
        }
      }
      List<Outcome> ordered = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        try {
          ordered.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a download failed unexpectedly: " + e.getCause(), e.getCause());
        }
      }
      return List.copyOf(ordered);
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    }
  }

  Outcome fetchOne(NeuronId id, Kind kind) throws InterruptedException {
    Path target = pathOf(id, kind);
    if (Files.isRegularFile(target)) return new Outcome(id, kind, Status.CACHED, "", 0);
    URI url = urlOf(id, kind);
    String lastProblem = "";
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      Optional<Duration> retryAfter = Optional.empty();
      try {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(settings.requestTimeout()).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        int code = r.statusCode();
        if (code == 200) {
          String body = new String(r.body(), StandardCharsets.UTF_8);
          try {
            check(id, kind, body, url.toString());
            dev.neuronscribe.files.AtomicFiles.writeString(target, body);
            return new Outcome(id, kind, Status.DOWNLOADED, "", attempt);
          } catch (InvalidInputException e) {
            lastProblem = "the server sent content that is not a valid " + (kind == Kind.RECORD ? "NeuronRecord" : "explanations file") + ": " + e.getMessage();
          }
        } else if (code == 404) {
          return new Outcome(id, kind, Status.FAILED, "not found (HTTP 404) at " + url + "; the dataset has no such file", attempt);
        } else if (code == 429 || code >= 500) {
          lastProblem = "HTTP " + code + " from " + url;
          retryAfter = r.headers().firstValue("Retry-After").flatMap(OpenAiPublicData::seconds);
        } else {
          return new Outcome(id, kind, Status.FAILED, "HTTP " + code + " from " + url + " (not retried)", attempt);
        }
      } catch (java.net.http.HttpTimeoutException e) {
        lastProblem = "no complete answer within " + settings.requestTimeout().toSeconds() + " s from " + url;
      } catch (IOException e) {
        lastProblem = "could not download " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      }
      if (attempt < settings.attempts()) {
        Duration wait = settings.firstBackoff().multipliedBy(1L << Math.min(20, attempt - 1));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) wait = retryAfter.get().compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : retryAfter.get();
        Thread.sleep(wait.toMillis());
      }
    }
    return new Outcome(id, kind, Status.FAILED, lastProblem + " (gave up after " + settings.attempts() + " attempts)", settings.attempts());
  }

  private static Optional<Duration> seconds(String header) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Accepts a file only when it is what it claims to be. */
  static void check(NeuronId id, Kind kind, String body, String source) {
    if (kind == Kind.RECORD) {
      NeuronRecord r = NeuronRecordJson.parse(body, source);
      if (!r.id().equals(id)) throw new InvalidInputException(source, "field 'neuron_id' says " + r.id() + " but neuron " + id + " was requested");
      return;
    }
    String[] lines = body.split("\n", -1);
    int objects = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) continue;
      if (!JsonFields.parse(source + " line " + (i + 1), lines[i]).isObject()) {
        throw new InvalidInputException(source, "line " + (i + 1) + " is not a JSON object");
      }
      objects++;
    }
    if (objects == 0) throw new InvalidInputException(source, "is empty");
  }
}
