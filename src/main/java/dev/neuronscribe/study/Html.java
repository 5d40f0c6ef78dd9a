package dev.neuronscribe.study;

import dev.neuronscribe.files.HtmlEscaper;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * A piece of markup that is safe to send: either a constant template of ours or text that went through
 * {@link #escape}. Untrusted strings (tokens, explanations, study names) can only get into a page as
 * arguments of {@link #html}, which escapes everything that is not already {@code Html}; so forgetting to
 * escape is not something a page can do by accident.
 *
 * <p>The escaping covers both contexts the pages use: element text and double-quoted attribute values
 * ({@code & < > " '} all become entities). Untrusted text never goes into a URL, style or script context.
 */
record Html(String markup) {
  static final Html EMPTY = new Html("");

  /**
   * Fills the {@code {}} placeholders of a template (a constant written by us) with the arguments in
   * order; each argument is escaped unless it is already {@code Html}. Numbers are written as they are.
   */
  static Html html(String template, Object... args) {
    StringBuilder out = new StringBuilder(template.length() + 16 * args.length);
    int from = 0;
    int arg = 0;
    for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
      if (arg >= args.length) throw new IllegalArgumentException("template has more {} than arguments: " + template);
      out.append(template, from, at).append(piece(args[arg++]));
      from = at + 2;
    }
    if (arg != args.length) throw new IllegalArgumentException("template has fewer {} than arguments: " + template);
    return new Html(out.append(template, from, template.length()).toString());
  }

  /** Text as markup: every character that could open a tag, an entity or end an attribute is escaped. */
  static Html text(String untrusted) {
    return new Html(escape(untrusted));
  }

  static String escape(String s) {
    return HtmlEscaper.escape(s);
  }

  static Html join(List<Html> parts) {
    return parts.stream().collect(joining());
  }

  static Collector<Html, ?, Html> joining() {
    return Collectors.collectingAndThen(Collectors.mapping(Html::markup, Collectors.joining()), Html::new);
  }

  private static String piece(Object arg) {
    return switch (arg) {
      case Html h -> h.markup;
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case Double d -> String.format(Locale.ROOT, "%.4g", d);
      case null -> throw new IllegalArgumentException("null given to an HTML template");
      default -> escape(arg.toString());
    };
  }

  @Override
  public String toString() {
    return markup;
  }
}
