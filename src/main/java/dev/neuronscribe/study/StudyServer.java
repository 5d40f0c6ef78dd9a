package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronRecords;
import io.javalin.Javalin;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/** The neuron viewer and study app, running: start it with {@link #start}, stop it with {@link #close}. */
public final class StudyServer implements AutoCloseable {

  /**
   * Where to listen and what to serve.
   *
   * @param host the address to listen on; a loopback address (the default of {@code scribe serve}) keeps
   *     the app to this machine
   * @param port the port, 0 for any free one
   * @param records the NeuronRecord directory the viewer shows
   * @param results results files or directories of them (explanations and scores for the viewer)
   * @param database the study database
   * @param organiserToken the secret that signs an organiser in
   */
  public record Config(String host, int port, Path records, List<Path> results, Path database, String organiserToken) {
    public Config {
      results = List.copyOf(results);
      if (organiserToken.strip().length() < 16) throw new IllegalArgumentException("the organiser token must have at least 16 characters");
    }
  }

  private final Javalin app;
  private final StudyStore store;
  private final String host;

  private StudyServer(Javalin app, StudyStore store, String host) {
    this.app = app;
    this.store = store;
    this.host = host;
  }

  public static StudyServer start(Config config) {
    KnownExplanations known = KnownExplanations.load(config.results());
    StudyStore store = StudyStore.open(config.database());
    try {
      Tokens tokens = new Tokens(new SecureRandom());
      WebGuard guard = new WebGuard(store.serverSecret(), config.organiserToken(), isLoopback(config.host()), tokens);
      Javalin app = new StudyApp(store, NeuronRecords.open(config.records()), known, guard).create();
      app.start(config.host(), config.port());
      return new StudyServer(app, store, config.host());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  public int port() {
    return app.port();
  }

  /** Whether only this machine can reach the server. */
  public boolean loopbackOnly() {
    return isLoopback(host);
  }

  /** The address to open in a browser. */
  public String baseUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0") || h.equals("[::]")) h = "127.0.0.1";
    return "http://" + h + ":" + port();
  }

  @Override
  public void close() {
    app.stop();
    store.close();
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the host to listen on: " + host);
    }
  }
}
