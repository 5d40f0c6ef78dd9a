package dev.neuronscribe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Index lists as users type them: {@code 0-11}, {@code 3}, {@code 0,2,5-7}. */
final class Ranges {
  private Ranges() {}

  static List<Integer> parse(String text, String what) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      try {
        int dash = p.indexOf('-', 1);
        if (dash < 0) {
          out.add(nonNegative(Integer.parseInt(p), what, text));
        } else {
          int from = nonNegative(Integer.parseInt(p.substring(0, dash).trim()), what, text);
          int to = nonNegative(Integer.parseInt(p.substring(dash + 1).trim()), what, text);
          if (to < from) throw new IllegalArgumentException(what + " range '" + p + "' runs backwards; write it low-high");
          for (int i = from; i <= to; i++) out.add(i);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + " are written like 0-11 or 0,2,5-7; got '" + text + "'");
      }
    }
    return new ArrayList<>(out);
  }

  private static int nonNegative(int v, String what, String text) {
    if (v < 0) throw new IllegalArgumentException(what + " are numbered from 0; got '" + text + "'");
    return v;
  }
}
