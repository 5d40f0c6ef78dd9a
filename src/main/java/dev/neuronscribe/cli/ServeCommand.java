package dev.neuronscribe.cli;

import dev.neuronscribe.study.StudyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scribe serve}: the neuron viewer and the human rating study, in a browser. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the neuron viewer and the human evaluation study app.",
      "DIR holds NeuronRecords as DIR/<layer>/<neuron>.json; explanations and scores for the viewer are read from",
      "DIR/results/*.jsonl|*.csv and from --results; studies live in DIR/study.sqlite (see `scribe study create`).",
      "Listens on 127.0.0.1 only unless --host says otherwise. Prints an organiser sign-in link, new at every start",
      "(set SCRIBE_ORGANISER_TOKEN to keep one fixed)."
    })
final class ServeCommand implements Runnable, Cli.Server {
  @Override
  public String stoppedLine() {
    return "scribe: server stopped. Study answers are stored as they arrive, so nothing was left to save.";
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory: NeuronRecords, results/, study.sqlite.")
  Path data;

  @Option(names = "--port", paramLabel = "N", defaultValue = "7070", description = "Port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only). 0.0.0.0 opens it to the network.")
  String host;

  @Option(names = "--results", paramLabel = "PATH", description = "More results files or directories for the viewer (repeatable).")
  List<Path> results = new ArrayList<>();

  @Option(names = "--model", paramLabel = "DIR", description = "The subject model (GPT-2 directory): neuron pages then show the tokens each neuron promotes (logit lens).")
  Path model;

  @Option(names = "--db", paramLabel = "FILE", description = "Study database. Default: DIR/study.sqlite.")
  Path db;

  @Override
  public void run() {
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException(data + (Files.exists(data) ? " is not a directory" : ": not found") + " (--data names the directory of NeuronRecords)");
    }
    if (port < 0 || port > 65535) throw new UsageException("--port must be 0..65535, got " + port);
    List<Path> resultPaths = new ArrayList<>();
    if (Files.isDirectory(data.resolve("results"))) resultPaths.add(data.resolve("results"));
    resultPaths.addAll(results);
    String token = organiserToken();
    StudyServer server;
    try {
      server = StudyServer.start(new StudyServer.Config(host, port, data, resultPaths,
          db != null ? db : data.resolve("study.sqlite"), token, Optional.ofNullable(model)));
    } catch (io.javalin.util.JavalinBindException e) {
      throw new IllegalStateException("port " + port + " on " + host + " is in use (another `scribe serve`?); stop that server, "
          + "choose another --port, or pass --port 0 to take any free port (the address is printed)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "scribe-serve-shutdown"));

    if (!server.loopbackOnly()) {
      spec.commandLine().getErr().println("warning: listening on " + host + ": anyone who can reach this machine can load the sign-in page, and");
      spec.commandLine().getErr().println("         anyone holding a rater link can answer through it. Use a trusted network, or put HTTPS in front.");
    }
    spec.commandLine().getOut().println("NeuronScribe is serving " + server.baseUrl() + "  (Ctrl-C stops it)");
    spec.commandLine().getOut().println("  organiser sign-in: " + server.baseUrl() + "/login?token=" + token);
    spec.commandLine().getOut().println("  (the token is shown only here" + (System.getenv("SCRIBE_ORGANISER_TOKEN") != null ? "; it comes from SCRIBE_ORGANISER_TOKEN)" : " and changes at every start)"));
    spec.commandLine().getOut().println("  neurons: " + data.toAbsolutePath() + "   studies: " + (db != null ? db : data.resolve("study.sqlite")).toAbsolutePath());
    spec.commandLine().getOut().flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String organiserToken() {
    String fixed = System.getenv("SCRIBE_ORGANISER_TOKEN");
    if (fixed != null && !fixed.isBlank()) {
      if (fixed.strip().length() < 16) throw new IllegalArgumentException("SCRIBE_ORGANISER_TOKEN must have at least 16 characters");
      return fixed.strip();
    }
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
