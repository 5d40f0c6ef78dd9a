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
          if (to < from) throw new UsageException(what + " range '" + p + "' runs backwards; write it low-high");
          for (int i = from; i <= to; i++) out.add(i);
        }
      } catch (NumberFormatException e) {
        throw new UsageException(what + " are written like 0-11 or 0,2,5-7; got '" + text + "'");
      }
    }
    return new ArrayList<>(out);
  }

  /** {@code LAYER:NEURON} items, the neuron part a list of its own: {@code 0:1,5:100-110} (also {@code 0/1}). */
  static java.util.Map<Integer, List<Integer>> parsePairs(String text) {
    java.util.Map<Integer, List<Integer>> out = new java.util.TreeMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      String[] ln = p.split("[:/]");
      if (ln.length != 2) {
        throw new UsageException("neurons are written LAYER:NEURON, e.g. 0:1,5:100-110; got '" + p + "' in '" + text + "'");
      }
      int layer = parse(ln[0], "layers").stream().mapToInt(i -> i).reduce((a, b) -> {
        throw new UsageException("one layer per LAYER:NEURON item; got '" + p + "'");
      }).orElseThrow();
      out.computeIfAbsent(layer, l -> new ArrayList<>()).addAll(parse(ln[1], "neurons"));
    }
    return out;
  }

  private static int nonNegative(int v, String what, String text) {
    if (v < 0) throw new UsageException(what + " are numbered from 0; got '" + text + "'");
    return v;
  }
}
