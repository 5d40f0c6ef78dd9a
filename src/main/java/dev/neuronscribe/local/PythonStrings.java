package dev.neuronscribe.local;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for chat templates. Hugging Face templates are Jinja run by Python, so they call
 * {@code content.startswith('<tool_response>')}, {@code message.content.strip()} or {@code ', '.join(names)} on
 * plain strings. Jinjava hands a method call on a string to Java's {@code String}, where most of these do not exist
 * and the rest ({@code split}, {@code strip}) mean something else (a regular expression, Unicode's idea of a space).
 * This resolver answers those calls first, the Python way, and leaves every other call to Jinjava.
 *
 * <p>Covered: {@code startswith endswith upper lower title capitalize replace strip lstrip rstrip split rsplit
 * count find rfind index join isspace isdigit isalpha}. Dictionaries already answer {@code items get keys values}
 * through Jinjava's own map support.
 */
final class PythonStrings extends ELResolver {
  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (!(base instanceof String s) || method == null) return null;
    Object[] a = params == null ? new Object[0] : params;
    String name = method.toString();
    Object result;
    switch (name) {
      case "startswith" -> result = affix(name, s, a, true);
      case "endswith" -> result = affix(name, s, a, false);
      case "upper" -> result = noArgs(name, a, s.toUpperCase(Locale.ROOT));
      case "lower" -> result = noArgs(name, a, s.toLowerCase(Locale.ROOT));
      case "title" -> result = noArgs(name, a, title(s));
      case "capitalize" -> result = noArgs(name, a, s.isEmpty() ? s
          : s.substring(0, s.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT) + s.substring(s.offsetByCodePoints(0, 1)).toLowerCase(Locale.ROOT));
      case "replace" -> result = replace(s, a);
      case "strip" -> result = strip(name, s, a, true, true);
      case "lstrip" -> result = strip(name, s, a, true, false);
      case "rstrip" -> result = strip(name, s, a, false, true);
      case "split" -> result = split(name, s, a, false);
      case "rsplit" -> result = split(name, s, a, true);
      case "count" -> result = count(s, a);
      case "find" -> result = (long) find(name, s, a, false);
      case "rfind" -> result = (long) find(name, s, a, true);
      case "index" -> {
        int at = find(name, s, a, false);
        if (at < 0) throw new ELException("str.index: substring not found");
        result = (long) at;
      }
      case "join" -> result = join(s, a);
      case "isspace" -> result = noArgs(name, a, !s.isEmpty() && s.codePoints().allMatch(PythonStrings::isSpace));
      case "isdigit" -> result = noArgs(name, a, !s.isEmpty() && s.codePoints().allMatch(Character::isDigit));
      case "isalpha" -> result = noArgs(name, a, !s.isEmpty() && s.codePoints().allMatch(Character::isLetter));
      default -> {
        return null; // not a Python str method we know: Jinjava's own resolution (and its error) applies
      }
    }
    context.setPropertyResolved(true);
    return result;
  }

  private static Object noArgs(String name, Object[] a, Object result) {
    if (a.length != 0) throw new ELException("str." + name + "() takes no arguments (" + a.length + " given)");
    return result;
  }

  private static String text(String method, Object o) {
    if (o instanceof String s) return s;
    throw new ELException("str." + method + ": expected a string argument, got " + typeName(o));
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o instanceof String ? "a string" : o instanceof Number ? "a number" : o instanceof Collection<?> ? "a list" : o.getClass().getSimpleName();
  }

  // A count argument: None (or absent) means no limit, as in Python.
  private static long whole(String method, Object o) {
    if (o == null) return -1;
    if (o instanceof Number n) return n.longValue();
    throw new ELException("str." + method + ": expected a number, got " + typeName(o));
  }

  // Python's slice bounds: negative counts from the end, then clamped to [0, length].
  private static int bound(String method, Object o, int length, int otherwise) {
    if (o == null) return otherwise;
    if (!(o instanceof Number n)) throw new ELException("str." + method + ": expected a number, got " + typeName(o));
    long v = n.longValue();
    if (v < 0) v += length;
    return (int) Math.max(0, Math.min(length, v));
  }

  private static boolean affix(String name, String s, Object[] a, boolean prefix) {
    if (a.length < 1 || a.length > 3) throw new ELException("str." + name + "() takes 1 to 3 arguments (" + a.length + " given)");
    int start = a.length > 1 ? bound(name, a[1], s.length(), 0) : 0;
    int end = a.length > 2 ? bound(name, a[2], s.length(), s.length()) : s.length();
    if (start > end) return false;
    String part = s.substring(start, end);
    List<String> options = new ArrayList<>();
    if (a[0] instanceof Collection<?> c) for (Object o : c) options.add(text(name, o)); // a tuple of choices, as Python allows
    else options.add(text(name, a[0]));
    for (String o : options) if (prefix ? part.startsWith(o) : part.endsWith(o)) return true;
    return false;
  }

  // Python's title(): a cased character after an uncased one is upper-cased, one after a cased one lower-cased.
  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
      if (cased) out.append(previousCased ? new String(Character.toChars(c)).toLowerCase(Locale.ROOT) : Character.toString(Character.toTitleCase(c)));
      else out.appendCodePoint(c);
      previousCased = cased;
      i += Character.charCount(c);
    }
    return out.toString();
  }

  private static String replace(String s, Object[] a) {
    if (a.length < 2 || a.length > 3) throw new ELException("str.replace() takes 2 or 3 arguments (" + a.length + " given)");
    String old = text("replace", a[0]);
    String with = text("replace", a[1]);
    long count = a.length > 2 ? whole("replace", a[2]) : -1;
    if (count < 0) return s.replace(old, with);
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long done = 0; done < count; done++) {
      if (old.isEmpty()) { // Python puts the replacement before every character and at the end
        if (from > s.length()) break;
        out.append(with);
        if (from < s.length()) out.append(s.charAt(from));
        from++;
        continue;
      }
      int at = s.indexOf(old, from);
      if (at < 0) break;
      out.append(s, from, at).append(with);
      from = at + old.length();
    }
    if (from <= s.length()) out.append(s, Math.min(from, s.length()), s.length());
    return out.toString();
  }

  // Python's whitespace (str.isspace): Java's whitespace plus the no-break spaces Java leaves out.
  private static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  private static String strip(String name, String s, Object[] a, boolean left, boolean right) {
    if (a.length > 1) throw new ELException("str." + name + "() takes at most 1 argument (" + a.length + " given)");
    String chars = a.length == 1 && a[0] != null ? text(name, a[0]) : null;
    int from = 0;
    int to = s.length();
    if (left) while (from < to && (chars == null ? isSpace(s.charAt(from)) : chars.indexOf(s.charAt(from)) >= 0)) from++;
    if (right) while (to > from && (chars == null ? isSpace(s.charAt(to - 1)) : chars.indexOf(s.charAt(to - 1)) >= 0)) to--;
    return s.substring(from, to);
  }

  private static List<String> split(String name, String s, Object[] a, boolean fromRight) {
    if (a.length > 2) throw new ELException("str." + name + "() takes at most 2 arguments (" + a.length + " given)");
    String sep = a.length > 0 && a[0] != null ? text(name, a[0]) : null;
    long max = a.length > 1 ? whole(name, a[1]) : -1;
    if (sep != null && sep.isEmpty()) throw new ELException("str." + name + ": empty separator");
    List<String> out = new ArrayList<>();
    if (sep == null) { // runs of whitespace, none at either end
      String rest = strip(name, s, new Object[0], !fromRight, fromRight);
      while (!rest.isEmpty()) {
        if (max >= 0 && out.size() == max) {
          out.add(strip(name, rest, new Object[0], !fromRight, fromRight));
          break;
        }
        if (fromRight) {
          int end = rest.length();
          int start = end;
          while (start > 0 && !isSpace(rest.charAt(start - 1))) start--;
          out.add(rest.substring(start, end));
          rest = strip(name, rest.substring(0, start), new Object[0], false, true);
        } else {
          int end = 0;
          while (end < rest.length() && !isSpace(rest.charAt(end))) end++;
          out.add(rest.substring(0, end));
          rest = strip(name, rest.substring(end), new Object[0], true, false);
        }
      }
    } else if (fromRight) {
      int end = s.length();
      while (max < 0 || out.size() < max) {
        int at = s.lastIndexOf(sep, end - sep.length());
        if (at < 0) break;
        out.add(s.substring(at + sep.length(), end));
        end = at;
      }
      out.add(s.substring(0, end));
    } else {
      int from = 0;
      while (max < 0 || out.size() < max) {
        int at = s.indexOf(sep, from);
        if (at < 0) break;
        out.add(s.substring(from, at));
        from = at + sep.length();
      }
      out.add(s.substring(from));
    }
    if (fromRight) java.util.Collections.reverse(out);
    return out;
  }

  private static long count(String s, Object[] a) {
    if (a.length < 1 || a.length > 3) throw new ELException("str.count() takes 1 to 3 arguments (" + a.length + " given)");
    String sub = text("count", a[0]);
    int start = a.length > 1 ? bound("count", a[1], s.length(), 0) : 0;
    int end = a.length > 2 ? bound("count", a[2], s.length(), s.length()) : s.length();
    if (start > end) return 0;
    if (sub.isEmpty()) return end - start + 1L;
    long n = 0;
    for (int at = s.indexOf(sub, start); at >= 0 && at + sub.length() <= end; at = s.indexOf(sub, at + sub.length())) n++;
    return n;
  }

  private static int find(String name, String s, Object[] a, boolean last) {
    if (a.length < 1 || a.length > 3) throw new ELException("str." + name + "() takes 1 to 3 arguments (" + a.length + " given)");
    String sub = text(name, a[0]);
    int start = a.length > 1 ? bound(name, a[1], s.length(), 0) : 0;
    int end = a.length > 2 ? bound(name, a[2], s.length(), s.length()) : s.length();
    if (start > end) return -1;
    int at = last ? s.substring(start, end).lastIndexOf(sub) : s.substring(start, end).indexOf(sub);
    return at < 0 ? -1 : start + at;
  }

  private static String join(String s, Object[] a) {
    if (a.length != 1) throw new ELException("str.join() takes exactly one argument (" + a.length + " given)");
    Iterable<?> items;
    if (a[0] instanceof Iterable<?> it) items = it;
    else if (a[0] instanceof String one) items = one.codePoints().mapToObj(Character::toString).toList();
    else throw new ELException("str.join: expected a list of strings, got " + typeName(a[0]));
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (Object o : items) {
      if (!(o instanceof String t)) throw new ELException("str.join: item " + i + " is " + typeName(o) + ", not a string");
      if (i++ > 0) out.append(s);
      out.append(t);
    }
    return out.toString();
  }

  // Only method calls are this resolver's business: every lookup below is left to the next resolver.
  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // nothing to set on a string
  }
}
