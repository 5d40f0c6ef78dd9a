package dev.neuronscribe.local;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InvalidInputException;
import com.hubspot.jinjava.interpret.InvalidReason;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.util.ObjectIterator;
import dev.neuronscribe.prompts.Message;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.ExpressionFactory;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's own chat template (the Jinja source Hugging Face keeps in {@code tokenizer_config.json} and GGUF
 * files in {@code tokenizer.chat_template}), rendered by Jinjava the way transformers'
 * {@code apply_chat_template} renders it: blocks trimmed and left-stripped, {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the helpers templates call
 * ({@code raise_exception}, {@code strftime_now}), Python's string methods ({@link PythonStrings}), and values
 * printed as Python prints them ({@link PythonValues}: {@code True}, {@code None}, {@code ['a']}, transformers'
 * {@code tojson}).
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
        .withElResolver(resolver())
        // Values print as Python prints them (True, None, ['a'], {'k': False}): each render's context gets PythonOutput.
        .withExecutionMode(new ExecutionMode() {
          @Override
          public void prepareContext(Context context) {
            context.setExpressionStrategy(new PythonOutput());
          }
        })
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withUsePyishObjectMapper(true)
            .withKeepNullableLoopValues(true)
            .withEvaluateMapKeys(true) // {key: v} uses key's value, as in Jinja (Jinjava's default takes the name)
            .withIterateOverMapKeys(true) // {% for k in dict %} gives the keys, as in Jinja (Jinjava's default: values)
            .build())
        .build();
    this.jinjava = new PythonJinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raise", String.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
    // Filters that turn values into text do it Python's way too; tojson is transformers' json.dumps.
    jinjava.getGlobalContext().registerFilter(new PythonString());
    jinjava.getGlobalContext().registerFilter(new PythonJoin());
    jinjava.getGlobalContext().registerFilter(new PythonToJson());
    jinjava.getGlobalContext().registerFilter(new PythonItems());
    jinjava.getGlobalContext().registerFilter(new PythonCase("lower"));
    jinjava.getGlobalContext().registerFilter(new PythonCase("upper"));
  }

  // Python's str methods first (templates are written for Python's Jinja), then Jinjava's own read-only lookups.
  private static jinjava.javax.el.ELResolver resolver() {
    jinjava.javax.el.CompositeELResolver r = new jinjava.javax.el.CompositeELResolver();
    r.add(new PythonStrings());
    r.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    return r;
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

  // What an expression ends with: a method call, an attribute (.name) or a subscript ([key]).
  private static final Pattern CALL = Pattern.compile("(?s)(.+)\\.\\s*[A-Za-z_]\\w*\\s*\\([^()]*\\)");
  private static final Pattern STEP = Pattern.compile("(?s)(.+?)\\s*(?:\\.\\s*([A-Za-z_]\\w*)|\\[([^\\[\\]]+)\\])");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_]\\w*");

  /**
   * {@code {{ expression }}} printed as Python's {@code str()}. Jinjava has one null for Python's {@code None}
   * (which Jinja prints as {@code None}) and for an undefined name or key (which it prints as nothing). A null
   * prints {@code None} when it is the literal {@code none}, a method's result ({@code d.get('k')}), a name bound
   * to None, or a key or index the dictionary or list before it holds; any other null prints nothing.
   */
  private static final class PythonOutput implements ExpressionStrategy {
    @Override
    public RenderedOutputNode interpretOutput(ExpressionToken token, JinjavaInterpreter interpreter) {
      Object value = interpreter.resolveELExpression(token.getExpr(), token.getLineNumber());
      if (value == null) return new RenderedOutputNode(isNone(token.getExpr().strip(), interpreter) ? "None" : "");
      return new RenderedOutputNode(PythonValues.str(value));
    }

    private static boolean isNone(String e, JinjavaInterpreter interpreter) {
      if (e.equals("none") || e.equals("None") || CALL.matcher(e).matches()) return true;
      if (NAME.matcher(e).matches()) {
        // Jinjava's context answers a name bound to null as absent: look in each scope, innermost first.
        for (Context c = interpreter.getContext(); c != null; c = c.getParent()) {
          if (c.getScope().containsKey(e)) return c.getScope().get(e) == null;
        }
        return false;
      }
      Matcher m = STEP.matcher(e);
      if (!m.matches() || (m.group(3) != null && m.group(3).contains(":"))) return false; // a slice is never None
      Object base = interpreter.resolveELExpressionSilently(m.group(1));
      Object key = m.group(2) != null ? m.group(2) : interpreter.resolveELExpressionSilently(m.group(3));
      if (base instanceof Map<?, ?> map) return map.containsKey(key);
      if (!(base instanceof List<?> list) || !(key instanceof Number n)) return false;
      long i = n.longValue();
      if (i < 0) i += list.size();
      return i >= 0 && i < list.size();
    }
  }

  /**
   * Jinjava whose expressions turn values into text Python's way where Jinja does it implicitly: {@code 'a' ~ true}
   * is {@code aTrue}, {@code 'a' ~ [1, none]} is {@code a[1, None]}. Jinjava builds its expression factory with
   * its own type converter and no setting to change it, so this one is built beside it, the same but for that.
   */
  private static final class PythonJinjava extends Jinjava {
    private final ExpressionFactory factory;

    PythonJinjava(JinjavaConfig config) {
      super(config);
      Properties p = new Properties();
      p.setProperty(TreeBuilder.class.getName(), ExtendedSyntaxBuilder.class.getName());
      factory = new ExpressionFactoryImpl(p, new PythonText());
    }

    @Override
    public ExpressionFactory getExpressionFactory() {
      return factory;
    }
  }

  /** Jinjava's conversions, but booleans, lists, dictionaries and floats become text as Python's {@code str()}. */
  private static final class PythonText extends TruthyTypeConverter {
    @Override
    protected String coerceToString(Object value) {
      return switch (value) {
        case Boolean b -> PythonValues.str(b);
        case Double d -> PythonValues.str(d);
        case Float f -> PythonValues.str(f);
        case Collection<?> c -> PythonValues.str(c);
        case Map<?, ?> m -> PythonValues.str(m);
        case null, default -> super.coerceToString(value);
      };
    }
  }

  /** {@code x | string}: Python's {@code str(x)}. */
  private static final class PythonString implements Filter {
    @Override
    public String getName() {
      return "string";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PythonValues.str(var);
    }
  }

  /** {@code mapping | items}: its (key, value) pairs, as Jinja 3.1's filter (tool templates loop over them); undefined gives none. */
  private static final class PythonItems implements Filter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      if (var == null) return List.of();
      if (!(var instanceof Map<?, ?> m)) throw new IllegalArgumentException("items: expected a mapping, got " + PythonValues.repr(var));
      return new ArrayList<>(m.entrySet());
    }
  }

  /** {@code x | lower} and {@code x | upper}: of Python's {@code str(x)}, so {@code true | lower} is {@code true}. */
  private record PythonCase(String getName) implements Filter {
    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      String s = PythonValues.str(var);
      return getName.equals("lower") ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
    }
  }

  /** {@code items | join(sep, attribute=None)}: each item as Python's {@code str()}, not Java's. */
  private static final class PythonJoin implements Filter {
    @Override
    public String getName() {
      return "join";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object separator = args.length > 0 ? args[0] : kwargs.getOrDefault("d", "");
      Object attribute = args.length > 1 ? args[1] : kwargs.get("attribute");
      StringBuilder out = new StringBuilder();
      var loop = ObjectIterator.getLoop(var);
      boolean first = true;
      while (loop.hasNext()) {
        Object item = loop.next();
        if (attribute != null) item = interpreter.resolveProperty(item, attribute.toString());
        if (!first) out.append(PythonValues.str(separator));
        first = false;
        out.append(PythonValues.str(item));
      }
      return out.toString();
    }
  }

  /** {@code x | tojson(indent=None, separators=None, sort_keys=False, ensure_ascii=False)}: transformers' json.dumps. */
  private static final class PythonToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object ensureAscii = args.length > 0 ? args[0] : kwargs.getOrDefault("ensure_ascii", false);
      Object indent = args.length > 1 ? args[1] : kwargs.get("indent");
      Object separators = args.length > 2 ? args[2] : kwargs.get("separators");
      Object sortKeys = args.length > 3 ? args[3] : kwargs.getOrDefault("sort_keys", false);
      List<String> seps = null;
      if (separators != null) {
        if (!(separators instanceof List<?> l) || l.size() != 2) throw new IllegalArgumentException("tojson: separators must be a pair of strings");
        seps = List.of(PythonValues.str(l.get(0)), PythonValues.str(l.get(1)));
      }
      try {
        return PythonValues.json(var, Boolean.TRUE.equals(ensureAscii), indent, seps, Boolean.TRUE.equals(sortKeys));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(interpreter, this, InvalidReason.JSON_WRITE);
      }
    }
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
