package dev.neuronscribe.local;

import dev.neuronscribe.llm.OpenAiCompatibleClient.InProcessServer.Reply;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code scribe llm serve}: a local model behind OpenAI's HTTP protocol on 127.0.0.1, so that any tool written
 * for that protocol (OpenAI's neuron-explainer, delphi, our own client) can use it: {@code GET /v1/models},
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions} (echo and prompt log-probabilities included),
 * whole or streamed ({@code "stream": true}: server-sent events as OpenAI sends them).
 * Requests are answered one at a time on the model, in arrival order; the others wait, none is dropped.
 */
public final class LocalServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  private final Javalin app;
  private final LocalLlm model;

  private LocalServer(Javalin app, LocalLlm model) {
    this.app = app;
    this.model = model;
  }

  /** Loads {@code model} and serves it on {@code port} (0: any free port); throws if the port is taken. */
  public static LocalServer start(LocalLlm model, int port) {
    model.load();
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.http.maxRequestSize = 64L << 20; // a long prompt as a list of token ids is several MB of JSON
      var routes = config.routes;
      routes.get("/v1/models", ctx -> answer(ctx, model.serve("/models", "")));
      routes.post("/v1/chat/completions", ctx -> answer(ctx, model.serve("/chat/completions", ctx.body())));
      routes.post("/v1/completions", ctx -> answer(ctx, model.serve("/completions", ctx.body())));
      routes.exception(Exception.class, (e, ctx) -> send(ctx, Protocol.error(500, "the server failed on this request: " + e, "server_error", null, null)));
      routes.error(404, ctx -> {
        if (ctx.result() == null || !ctx.result().startsWith("{")) {
          send(ctx, Protocol.error(404, "there is no endpoint " + ctx.method() + " " + ctx.path()
              + " here; this server answers GET /v1/models, POST /v1/chat/completions and POST /v1/completions", "invalid_request_error", null, "unknown_url"));
        }
      });
      routes.error(405, ctx -> send(ctx, Protocol.error(405, ctx.method() + " is not allowed on " + ctx.path(), "invalid_request_error", null, "method_not_allowed")));
    });
    app.start(HOST, port);
    return new LocalServer(app, model);
  }

  private static void answer(Context ctx, Protocol.Answer answer) throws IOException {
    switch (answer) {
      case Protocol.Whole w -> send(ctx, w.reply());
      case Protocol.Streamed s -> stream(ctx, s);
    }
  }

  /**
   * Server-sent events, as OpenAI streams: {@code data: JSON} and a blank line per chunk, each flushed as it is
   * made. A write that fails means the client has gone: the generation stops there (the model is free for the
   * next request) and nothing more is written.
   */
  private static void stream(Context ctx, Protocol.Streamed streamed) throws IOException {
    ctx.status(200);
    ctx.res().setContentType("text/event-stream; charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold the events back
    OutputStream out = ctx.res().getOutputStream();
    try {
      streamed.run(data -> {
        try {
          out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        } catch (IOException e) {
          throw new Protocol.Disconnected(e);
        }
      });
    } catch (Protocol.Disconnected e) {
      // The client went away mid-stream; there is no one left to answer.
    }
  }

  private static void send(Context ctx, Reply reply) {
    ctx.status(reply.status()).contentType("application/json").result(reply.body());
  }

  public int port() {
    return app.port();
  }

  /** The base URL clients use: {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://" + HOST + ":" + port() + "/v1";
  }

  public LocalLlm model() {
    return model;
  }

  @Override
  public void close() {
    app.stop();
  }
}
