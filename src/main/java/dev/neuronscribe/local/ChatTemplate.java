package dev.neuronscribe.local;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.neuronscribe.prompts.Message;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model's own chat template (the Jinja source Hugging Face keeps in {@code tokenizer_config.json} and GGUF
 * files in {@code tokenizer.chat_template}), rendered by Jinjava the way transformers'
 * {@code apply_chat_template} renders it: blocks trimmed and left-stripped, {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the helpers templates call
 * ({@code raise_exception}, {@code strftime_now}).
 *
 * <p>Some templates (Gemma's) refuse a system message. The explainer's prompts open with one, so when a
 * template rejects a conversation that has one, the system text is put at the head of the first user
 * message instead — what those models' own documentation recommends — and {@link #foldsSystem()} says so.
 */
final class ChatTemplate {
  // Jinja's lstrip_blocks: the spaces and tabs between a line's start and a block or comment tag go ({%+ keeps them).
  private static final Pattern LSTRIP = Pattern.compile("(?m)^[ \\t]+(?=\\{[%#](?![+-]))");
  private final String source;
  private final String bos;
  private final String eos;
  private final Jinjava jinjava;
  private volatile Boolean foldsSystem;

  ChatTemplate(String source, String bos, String eos) {
    this.source = LSTRIP.matcher(source).replaceAll("");
    this.bos = bos;
    this.eos = eos;
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(false) // done by LSTRIP: Jinjava's strips before a tag in mid-line too, which Jinja does not
        .withFailOnUnknownTokens(false)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withUsePyishObjectMapper(true)
            .withKeepNullableLoopValues(true)
            .build())
        .build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raise", String.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
  }

  /** The text the model is fed for {@code messages}, ending with the assistant's turn opened when asked. */
  String render(List<Message> messages, boolean addGenerationPrompt) {
    boolean hasSystem = messages.stream().anyMatch(m -> m.role() == Message.Role.SYSTEM);
    if (hasSystem && foldsSystem()) return renderAsIs(foldSystem(messages), addGenerationPrompt);
    return renderAsIs(messages, addGenerationPrompt);
  }

  /** Whether this template refuses system messages, so that they are folded into the first user message. */
  boolean foldsSystem() {
    Boolean f = foldsSystem;
    if (f == null) {
      try {
        renderAsIs(List.of(Message.system("s"), Message.user("u")), true);
        f = false;
      } catch (TemplateException e) {
        renderAsIs(List.of(Message.user("u")), true); // a template that fails without a system message is broken: say so
        f = true;
      }
      foldsSystem = f;
    }
    return f;
  }

  private static List<Message> foldSystem(List<Message> messages) {
    StringBuilder system = new StringBuilder();
    List<Message> rest = new ArrayList<>();
    for (Message m : messages) {
      if (m.role() == Message.Role.SYSTEM) {
        if (!system.isEmpty()) system.append("\n\n");
        system.append(m.content());
      } else {
        rest.add(m);
      }
    }
    for (int i = 0; i < rest.size(); i++) {
      if (rest.get(i).role() == Message.Role.USER) {
        rest.set(i, Message.user(system + "\n\n" + rest.get(i).content()));
        return rest;
      }
    }
    rest.addFirst(Message.user(system.toString()));
    return rest;
  }

  private String renderAsIs(List<Message> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("role", m.role().wireName());
      o.put("content", m.content());
      msgs.add(o);
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("messages", msgs);
    context.put("add_generation_prompt", addGenerationPrompt);
    context.put("bos_token", bos);
    context.put("eos_token", eos);
    RenderResult r = jinjava.renderForResult(source, context);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new TemplateException(raised(e).orElse("the chat template cannot be rendered: " + e.getMessage()
            + (e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "")));
      }
    }
    return r.getOutput();
  }

  // raise_exception surfaces inside Jinjava as a FATAL error whose exception chain holds ours.
  private static java.util.Optional<String> raised(TemplateError e) {
    for (Throwable t = e.getException(); t != null; t = t.getCause()) {
      if (t instanceof Raised r) return java.util.Optional.of("the chat template refused the conversation: " + r.getMessage());
    }
    String m = e.getMessage() == null ? "" : e.getMessage();
    int at = m.indexOf(Raised.PREFIX);
    return at < 0 ? java.util.Optional.empty()
        : java.util.Optional.of("the chat template refused the conversation: " + m.substring(at + Raised.PREFIX.length()).strip());
  }

  /** {@code raise_exception(message)}, which templates call to refuse a conversation they cannot render. */
  public static String raise(String message) {
    throw new Raised(message);
  }

  /** {@code strftime_now(format)}: today's date, for templates that put it in the system turn (Llama 3.1). */
  public static String strftimeNow(String format) {
    String pattern = format.replace("%d", "dd").replace("%b", "MMM").replace("%B", "MMMM").replace("%Y", "yyyy")
        .replace("%m", "MM").replace("%y", "yy");
    return LocalDate.now().format(DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
  }

  static final class Raised extends RuntimeException {
    static final String PREFIX = "raise_exception:";

    Raised(String message) {
      super(PREFIX + " " + message);
    }

    @Override
    public String getMessage() {
      return super.getMessage().substring(PREFIX.length()).strip();
    }
  }

  /** The template could not render a conversation; the message says why, in a line. */
  static final class TemplateException extends RuntimeException {
    TemplateException(String message) {
      super(message);
    }
  }
}
