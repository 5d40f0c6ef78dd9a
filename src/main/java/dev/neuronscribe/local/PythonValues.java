package dev.neuronscribe.local;

import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.serialization.PyishObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Values as Python writes them, for chat templates. A template is Jinja run by Python: {@code {{ flag }}} prints
 * {@code True}, {@code {{ [1, none] }}} prints {@code [1, None]}, a dictionary prints as {@code {'a': False}}, and
 * transformers' {@code tojson} is {@code json.dumps} (spaces after {@code ,} and {@code :}, non-ASCII kept).
 * Jinjava writes Java's {@code true}, {@code null} and its own list syntax instead; these methods give Python's
 * {@code str()}, {@code repr()} and {@code json.dumps()} of the values Jinjava computes.
 *
 * <p>Jinjava has no tuples (they become lists) and one null for both Python's {@code None} and Jinja's undefined,
 * so a tuple prints as a list, and whether a null is {@code None} is decided by the caller ({@link ChatTemplate}).
 */
final class PythonValues {
  private PythonValues() {}

  /** Python's {@code str(value)}: a string as it is, anything else as {@link #repr}. */
  static String str(Object value) {
    if (value instanceof String s) return s;
    if (value instanceof SafeString s) return s.toString();
    if (value instanceof Character c) return c.toString();
    StringBuilder out = new StringBuilder();
    repr(value, out);
    return out.toString();
  }

  /** Python's {@code repr(value)}: how a value shows inside a list or dictionary. */
  static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    repr(value, out);
    return out.toString();
  }

  private static void repr(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("None");
      case Boolean b -> out.append(b ? "True" : "False");
      case String s -> quote(s, out);
      case SafeString s -> quote(s.toString(), out);
      case Character c -> quote(c.toString(), out);
      case Double d -> out.append(floatRepr(d));
      case Float f -> out.append(floatRepr(f.doubleValue()));
      case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
      case Long l -> out.append(l);
      case Integer i -> out.append(i);
      case Short s -> out.append(s);
      case Byte b -> out.append(b);
      case BigInteger i -> out.append(i);
      case Map.Entry<?, ?> e -> { // dict.items() yields (key, value) tuples
        out.append('(');
        repr(e.getKey(), out);
        out.append(", ");
        repr(e.getValue(), out);
        out.append(')');
      }
      case Map<?, ?> m -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) out.append(", ");
          first = false;
          repr(e.getKey(), out);
          out.append(": ");
          repr(e.getValue(), out);
        }
        out.append('}');
      }
      case Set<?> s when s.isEmpty() -> out.append("set()");
      case Set<?> s -> items(s, '{', '}', out);
      case Collection<?> c -> items(c, '[', ']', out);
      case Object[] a -> items(List.of(a), '[', ']', out);
      default -> out.append(PyishObjectMapper.getAsUnquotedPyishString(value)); // Jinjava's own objects (dates, namespaces)
    }
  }

  private static void items(Collection<?> c, char open, char close, StringBuilder out) {
    out.append(open);
    boolean first = true;
    for (Object o : c) {
      if (!first) out.append(", ");
      first = false;
      repr(o, out);
    }
    out.append(close);
  }

  // Python's string repr: single quotes unless the text holds one and no double quote; escapes for the
  // backslash, the quote, tab, newline and return, and hex escapes (x, u, U) for what Python does not print.
  private static void quote(String s, StringBuilder out) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(q);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == q || c == '\\') out.append('\\').appendCodePoint(c);
      else if (c == '\t') out.append("\\t");
      else if (c == '\n') out.append("\\n");
      else if (c == '\r') out.append("\\r");
      else if (c == ' ' || (c > ' ' && c < 0x7f)) out.appendCodePoint(c);
      else if (printable(c)) out.appendCodePoint(c);
      else if (c <= 0xff) out.append(String.format("\\x%02x", c));
      else if (c <= 0xffff) out.append(String.format("\\u%04x", c));
      else out.append(String.format("\\U%08x", c));
    }
    out.append(q);
  }

  // Python's str.isprintable for one character: not a control, format, surrogate, private-use, unassigned or separator character.
  private static boolean printable(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
           Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that read back as the same double (as Java's
   * {@link Double#toString} finds them, but for its two-digit minimum), fixed-point for exponents from -4 to 15, else {@code 1e+16}.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    // Java writes at least two digits in exponent form (4.9E-324), where one may already read back (5e-324).
    if (b.precision() == 2) {
      BigDecimal one = b.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
      if (one.doubleValue() == d) b = one.stripTrailingZeros();
    }
    String digits = b.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - b.scale(); // of the first digit
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = b.abs().toPlainString();
      return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  /**
   * {@code json.dumps(value, ensure_ascii=..., indent=..., separators=..., sort_keys=...)}, the {@code tojson}
   * transformers gives chat templates. {@code indent} is null (one line), a number of spaces or a string;
   * {@code separators} null (Python's defaults) or the item and key separators.
   */
  static String json(Object value, boolean ensureAscii, Object indent, List<String> separators, boolean sortKeys) {
    String indentText = switch (indent) {
      case null -> null;
      case Number n -> " ".repeat(Math.max(0, n.intValue()));
      default -> indent.toString();
    };
    String item = separators != null ? separators.get(0) : indentText == null ? ", " : ",";
    String key = separators != null ? separators.get(1) : ": ";
    StringBuilder out = new StringBuilder();
    new Json(ensureAscii, indentText, item, key, sortKeys, out).write(value, 0);
    return out.toString();
  }

  private record Json(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys, StringBuilder out) {
    void write(Object value, int level) {
      switch (value) {
        case null -> out.append("null");
        case Boolean b -> out.append(b);
        case String s -> string(s);
        case SafeString s -> string(s.toString());
        case Character c -> string(c.toString());
        case Double d -> number(d);
        case Float f -> number(f.doubleValue());
        case BigDecimal d -> number(d.doubleValue());
        case Number n -> out.append(n);
        case Map<?, ?> m -> object(m, level);
        case Map.Entry<?, ?> e -> array(List.of(nullable(e.getKey()), nullable(e.getValue())), level);
        case Collection<?> c -> array(new ArrayList<>(c), level);
        case Object[] a -> array(List.of(a), level);
        default -> throw new IllegalArgumentException("Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
      }
    }

    private static Object nullable(Object o) {
      return o == null ? NONE : o;
    }

    private static final Object NONE = new Object();

    private void number(double d) {
      if (Double.isNaN(d)) out.append("NaN");
      else if (Double.isInfinite(d)) out.append(d > 0 ? "Infinity" : "-Infinity");
      else out.append(floatRepr(d));
    }

    private void array(List<?> items, int level) {
      if (items.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) out.append(itemSeparator);
        newline(level + 1);
        Object o = items.get(i);
        write(o == NONE ? null : o, level + 1);
      }
      newline(level);
      out.append(']');
    }

    private void object(Map<?, ?> m, int level) {
      if (m.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<String, Object>> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) entries.add(Map.entry(key(e.getKey()), e.getValue() == null ? NONE : e.getValue()));
      if (sortKeys) entries.sort(Map.Entry.comparingByKey());
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) out.append(itemSeparator);
        newline(level + 1);
        string(entries.get(i).getKey());
        out.append(keySeparator);
        Object v = entries.get(i).getValue();
        write(v == NONE ? null : v, level + 1);
      }
      newline(level);
      out.append('}');
    }

    // json.dumps turns keys into strings: None, booleans and numbers as JSON writes them.
    private static String key(Object k) {
      return switch (k) {
        case null -> "null";
        case String s -> s;
        case Boolean b -> b.toString();
        case Double d -> floatRepr(d);
        case Float f -> floatRepr(f.doubleValue());
        case Number n -> n.toString();
        default -> throw new IllegalArgumentException("keys must be str, int, float, bool or None, not " + k.getClass().getSimpleName());
      };
    }

    private void newline(int level) {
      if (indent == null) return;
      out.append('\n');
      for (int i = 0; i < level; i++) out.append(indent);
    }

    // JSON's string escapes as Python writes them: the short forms, \\u00XX (lower-case hex) for other controls,
    // and with ensure_ascii every character past ASCII as \\uXXXX (a surrogate pair past the BMP).
    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            if (c < 0x20 || (ensureAscii && c > 0x7e)) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
          }
        }
      }
      out.append('"');
    }
  }
}
