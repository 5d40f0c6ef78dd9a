package dev.neuronscribe.local;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.llm.ResponseCache;
import dev.neuronscribe.subject.LanguageModel;
import dev.neuronscribe.subject.LanguageModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A language model run in this process ({@code --llm local:PATH}): a Hugging Face directory or a GGUF file,
 * opened once per process however many clients use it, behind the OpenAI protocol — as an
 * {@link OpenAiCompatibleClient} (so the response cache, cost ledger and reply parsing are every backend's)
 * or served over HTTP by {@link LocalServer}. The model is mapped on first use; a dry run never loads it.
 */
public final class LocalLlm implements OpenAiCompatibleClient.InProcessServer {
  private static final Map<String, LocalLlm> OPEN = new ConcurrentHashMap<>();

  private final Path path;
  private final Optional<Path> chatTemplateFile;
  private final String identity;
  private final String id;
  private volatile Protocol protocol;

  private LocalLlm(Path path, Optional<Path> chatTemplateFile, String identity) {
    this.path = path;
    this.chatTemplateFile = chatTemplateFile;
    this.identity = identity;
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    this.id = name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
  }

  /**
   * The model at {@code path} (with the chat template in {@code chatTemplateFile} instead of its own, when
   * given), shared by everything in this process that names the same files. A missing path or template file
   * is an {@link InvalidInputException}; the weights are read on first use or by {@link #load()}.
   */
  public static LocalLlm of(Path path, Optional<Path> chatTemplateFile) {
    Path p = path.toAbsolutePath().normalize();
    Optional<Path> t = chatTemplateFile.map(f -> f.toAbsolutePath().normalize());
    String identity = fingerprint(p, t);
    return OPEN.computeIfAbsent(identity, k -> new LocalLlm(p, t, identity));
  }

  /** The endpoint {@code local:MODEL} names: MODEL is the path as the user wrote it (it goes into outputs). */
  public static LlmEndpoint endpoint(String model) {
    return LlmEndpoint.of(Preset.LOCAL, model);
  }

  /**
   * The client for an endpoint of any preset: for {@code local:PATH} the model in this process (loaded now unless
   * {@code dryRun}, so a model it cannot use fails before any work), for the others the server over HTTP.
   */
  public static OpenAiCompatibleClient connect(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter,
      boolean dryRun, Optional<Path> chatTemplate) {
    if (endpoint.preset() != Preset.LOCAL) {
      return dryRun ? OpenAiCompatibleClient.forEstimates(endpoint, settings, cache, meter) : new OpenAiCompatibleClient(endpoint, settings, cache, meter);
    }
    LocalLlm model = of(Path.of(endpoint.model()), chatTemplate);
    if (!dryRun) model.load();
    return model.client(endpoint, settings, cache, meter);
  }

  /**
   * For a client that will chat (the explainer, the chat simulators): fails now, saying how to pass a template,
   * when {@code endpoint} is a local model without one. Nothing for other presets or in a dry run.
   */
  public static void requireChat(LlmEndpoint endpoint, boolean dryRun, Optional<Path> chatTemplate) {
    if (endpoint.preset() == Preset.LOCAL && !dryRun) of(Path.of(endpoint.model()), chatTemplate).requireChatTemplate();
  }

  /** A client for {@code endpoint} ({@code local:PATH}) whose requests this model answers. */
  public OpenAiCompatibleClient client(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter) {
    if (endpoint.preset() != Preset.LOCAL) throw new IllegalArgumentException("not a local endpoint: " + endpoint.name());
    return OpenAiCompatibleClient.inProcess(endpoint, settings, cache, meter, this);
  }

  /** Reads the model now (it is mapped, not copied), so that a file it cannot use fails before any work starts. */
  public LocalLlm load() {
    protocol();
    return this;
  }

  /** Fails now, in one line saying how to give one, when the model has no chat template (the explainer needs one). */
  public LocalLlm requireChatTemplate() {
    try {
      protocol().engine().requireTemplate();
    } catch (Engine.MissingTemplate e) {
      throw new InvalidInputException(path.toString(), e.getMessage().substring(path.toString().length()).strip());
    }
    return this;
  }

  /** The name {@code /v1/models} lists: the directory's or file's name. */
  public String id() {
    return id;
  }

  public Path path() {
    return path;
  }

  @Override
  public String identity() {
    return identity;
  }

  /**
   * A request from the in-process client. One without a seed samples with a seed drawn from the request itself:
   * the same request gets the same reply, as it would from the response cache, so a run with the cache off (or
   * a lost cache) gives the same explanations as before. For new samples, ask for more.
   */
  @Override
  public Reply handle(String path, String body) {
    return protocol().handle(path, body, OptionalLong.of(seedOf(path, body)));
  }

  /** A request from HTTP clients: without a seed, a fresh random one, as OpenAI's servers do; streamed when asked. */
  Protocol.Answer serve(String path, String body) {
    return protocol().answer(path, body, OptionalLong.empty());
  }

  private static long seedOf(String path, String body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((path + "\n" + body).getBytes(StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Protocol protocol() {
    Protocol p = protocol;
    if (p == null) {
      synchronized (this) {
        p = protocol;
        if (p == null) {
          LanguageModel model = LanguageModels.open(path);
          Optional<String> source = chatTemplateFile.isPresent() ? Optional.of(read(chatTemplateFile.get())) : model.chat().template();
          Optional<ChatTemplate> template = source.map(s -> new ChatTemplate(s, model.chat().bosToken().orElse(""), model.chat().eosToken().orElse("")));
          String missing = path + " has no chat template (tokenizer_config.json's 'chat_template', or 'tokenizer.chat_template' in a GGUF file); "
              + "pass one with --chat-template FILE (chat_template: FILE beside llm: in a run file), a Jinja file as in transformers";
          p = new Protocol(new Engine(model, template, missing), id);
          protocol = p;
        }
      }
    }
    return p;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read as a chat template: " + e.getMessage(), e);
    }
  }

  // What identifies the replies: the model's files (names, sizes, modification times — reading gigabytes to hash
  // them would cost more than the cache saves) and the chat template given instead of the model's own.
  private static String fingerprint(Path model, Optional<Path> template) {
    if (!Files.exists(model)) {
      throw new InvalidInputException(model.toString(), "no such file or directory; --llm local:PATH takes a Hugging Face model directory "
          + "(config.json, *.safetensors, tokenizer.json) or a .gguf file");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      List<Path> files;
      if (Files.isDirectory(model)) {
        try (Stream<Path> s = Files.list(model)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
      } else {
        files = List.of(model);
      }
      for (Path f : files) {
        sha.update((f.getFileName() + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (template.isPresent()) {
        if (!Files.isRegularFile(template.get())) {
          throw new InvalidInputException(template.get().toString(), "no such file; --chat-template takes a Jinja chat template file");
        }
        sha.update(Files.readAllBytes(template.get()));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    } catch (IOException e) {
      throw new InvalidInputException(model.toString(), "cannot be read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
