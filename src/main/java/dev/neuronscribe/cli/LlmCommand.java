package dev.neuronscribe.cli;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.local.LocalLlm;
import dev.neuronscribe.local.LocalServer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe llm}: language models run by NeuronScribe itself. */
@Command(name = "llm", mixinStandardHelpOptions = true,
    description = "Runs a language model of your own (Llama, Mistral, Qwen2, Gemma 2; a Hugging Face directory or a GGUF file). See docs/local-llm.md.",
    subcommands = {LlmCommand.Serve.class})
final class LlmCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code scribe llm serve}: the OpenAI protocol on 127.0.0.1 for a local model. */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {
        "Serves a local model over OpenAI's HTTP protocol on 127.0.0.1, for any tool that speaks it.",
        "Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (echo + logprobs + max_tokens 0 give the",
        "prompt's own log-probabilities, as the all-at-once simulator needs); \"stream\": true streams either as OpenAI does.",
        "One request runs at a time; others wait.",
        "Use it from NeuronScribe with --llm vllm:NAME --base-url http://127.0.0.1:PORT/v1, or run the model in",
        "process with --llm local:PATH."
      })
  static final class Serve implements Callable<Integer>, Cli.Server {
    @Override
    public String stoppedLine() {
      return "scribe: server stopped. It keeps no state between requests, so there is nothing to save.";
    }

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A Hugging Face model directory or a .gguf file.")
    Path model;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "N", description = "Port on 127.0.0.1 (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--chat-template", paramLabel = "FILE", description = "A Jinja chat template to use instead of the model's own (for a model that has none).")
    Optional<Path> chatTemplate = Optional.empty();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (port < 0 || port > 65535) throw new UsageException("--port must be 0..65535, got " + port);
      LocalServer server;
      try {
        LocalLlm llm = LocalLlm.of(model, chatTemplate);
        server = LocalServer.start(llm, port);
      } catch (InvalidInputException e) {
        // A model or template file it cannot use: one line, exit 2.
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return Cli.USAGE;
      } catch (io.javalin.util.JavalinBindException e) {
        throw new IllegalStateException("port " + port + " on " + LocalServer.HOST + " is in use; choose another --port, or --port 0 for any free one");
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "scribe-llm-serve-shutdown"));
      var out = spec.commandLine().getOut();
      out.println("NeuronScribe is serving " + server.model().id() + " at " + server.baseUrl() + "  (Ctrl-C stops it)");
      out.println("  e.g. curl " + server.baseUrl() + "/models");
      out.flush();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Cli.OK;
    }
  }
}
