package dev.neuronscribe.explain;

import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the target neuron's block of a rendered explainer prompt back into what it shows, following the
 * layout of {@code docs/prompt-formats.md} character for character, with the pack's wording (stem,
 * zeros-filtered header) taken from the pack. It has nothing but the text: where a format is ambiguous
 * (a bracket that is part of the excerpt, a hot token that holds a comma) it is ambiguous here too,
 * except where the format itself resolves it (Highlight-summary's and AVHS's lists say which brackets
 * mark tokens).
 */
final class PromptReading {
  private static final String START = "<start>";
  private static final String END = "<end>";
  private static final String HOT_HEADER = "Highly activating tokens:\n";
  private static final Pattern TOKEN_LINE = Pattern.compile("(.*?)\t(10|[0-9])(?:\n|\\z)", Pattern.DOTALL);
  private static final Pattern LISTED_NORM = Pattern.compile("(10|[1-9])(?:,|\\z)");

  private PromptReading() {}

  /**
   * A token the prompt marks as activating. {@code start} is its offset in the excerpt's text, or -1 where
   * the format does not say where it is (Summary's list); {@code weight} is its activation on 0–1 where the
   * format shows one (the 0–10 value over 10), else 1.
   */
  record Hot(String token, int start, double weight) {}

  /** One excerpt as the prompt shows it: its text (without highlighting brackets) and its hot tokens in order. */
  record Shown(String text, List<Hot> hot) {
    Shown {
      hot = List.copyOf(hot);
    }
  }

  /** The text is not laid out as the format renders it. */
  static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message);
    }
  }

  /** The excerpts shown in {@code block}, the user message {@code "\n\nNeuron k\nActivations:" + body + stem(k)}. */
  static List<Shown> read(PromptFormat format, PromptPack pack, String block, int k) {
    String head = "\n\nNeuron " + k + "\nActivations:";
    String stem = pack.stem(k);
    if (!block.startsWith(head)) throw new Unreadable("the block does not start with \"\\n\\nNeuron " + k + "\\nActivations:\"");
    if (block.length() < head.length() + stem.length() || !block.endsWith(stem)) throw new Unreadable("the block does not end with the pack's stem");
    String body = block.substring(head.length(), block.length() - stem.length());
    return switch (format) {
      case ORIGINAL -> original(body, pack.zerosFilteredHeader());
      case SUMMARY -> excerpts(body, true).stream().map(e -> new Shown(e.text(), listedTokens(e.list().orElseThrow()))).toList();
      case HIGHLIGHT -> excerpts(body, false).stream().map(e -> bracketed(e.text())).toList();
      case HIGHLIGHT_SUMMARY -> excerpts(body, true).stream().map(e -> bracketedAsListed(e.text(), e.list().orElseThrow(), false)).toList();
      case AVHS -> excerpts(body, true).stream().map(e -> bracketedAsListed(e.text(), e.list().orElseThrow(), true)).toList();
    };
  }

  // --- Original: "token\tnorm" lines between <start> and <end>, maybe repeated with only the non-zero ones ---

  private record Line(String token, int norm) {}

  private static List<Shown> original(String body, String zerosFilteredHeader) {
    Cursor c = new Cursor(body);
    c.expect("\n" + START + "\n");
    List<List<Line>> records = tokenLines(c);
    if (!c.atEnd()) {
      c.expect(zerosFilteredHeader);
      c.expect("\n" + START + "\n");
      List<List<Line>> repeat = tokenLines(c);
      if (!c.atEnd()) throw c.unreadable("text after the zeros-filtered excerpts");
      // The repeat says nothing new; reading it back exactly is the check that the lines were read right.
      if (repeat.size() != records.size()) throw new Unreadable("the zeros-filtered repeat has " + repeat.size() + " excerpts, the lines above " + records.size());
      for (int r = 0; r < records.size(); r++) {
        if (!repeat.get(r).equals(records.get(r).stream().filter(l -> l.norm() > 0).toList())) {
          throw new Unreadable("excerpt " + (r + 1) + " of the zeros-filtered repeat is not its non-zero lines");
        }
      }
    }
    List<Shown> out = new ArrayList<>();
    for (List<Line> lines : records) {
      StringBuilder text = new StringBuilder();
      List<Hot> hot = new ArrayList<>();
      for (Line l : lines) {
        if (l.norm() > 0) hot.add(new Hot(l.token(), text.length(), l.norm() / 10.0));
        text.append(l.token());
      }
      out.add(new Shown(text.toString(), hot));
    }
    return out;
  }

  /** Excerpts up to and including the last {@code "\n<end>\n"}; the cursor stands after {@code "<start>\n"}. */
  private static List<List<Line>> tokenLines(Cursor c) {
    List<List<Line>> records = new ArrayList<>();
    while (true) {
      String content = c.upTo("\n" + END + "\n");
      c.expect("\n" + END + "\n");
      records.add(lines(content));
      if (!c.at(START + "\n")) return records;
      c.expect(START + "\n");
    }
  }

  /** {@code "tok\tn\ntok\tn"}; a token may itself hold newlines and tabs, so a line ends at "TAB digits" then a newline. */
  private static List<Line> lines(String content) {
    List<Line> out = new ArrayList<>();
    Matcher m = TOKEN_LINE.matcher(content);
    int at = 0;
    while (at < content.length()) {
      m.region(at, content.length());
      if (!m.lookingAt()) throw new Unreadable("a token line does not end in a TAB and a value 0-10: \"" + escape(content.substring(at, Math.min(content.length(), at + 40))) + "\"");
      out.add(new Line(m.group(1), Integer.parseInt(m.group(2))));
      at = m.end();
    }
    return out;
  }

  // --- the excerpt formats: "\n Text excerpt - L:\n<start>" + text + "<end> \n", maybe "\nHighly activating tokens:\n" + list + "\n" ---

  private record Excerpt(String text, Optional<String> list) {}

  private static List<Excerpt> excerpts(String body, boolean withList) {
    Cursor c = new Cursor(body);
    c.expect("\n");
    List<Excerpt> out = new ArrayList<>();
    for (char letter = 'A'; !c.atEnd(); letter++) {
      if (letter > 'Z') throw new Unreadable("more than 26 excerpts");
      c.expect("\n Text excerpt - " + letter + ":\n" + START);
      String text = c.upTo(END + " \n");
      c.expect(END + " \n");
      if (!withList) {
        out.add(new Excerpt(text, Optional.empty()));
        continue;
      }
      c.expect("\n" + HOT_HEADER);
      // The list ends at the next excerpt's heading, or at the body's last newline: it may hold newline tokens.
      String list = c.upToOrEnd("\n\n Text excerpt - " + (char) (letter + 1) + ":\n" + START, "\n");
      c.expect("\n");
      out.add(new Excerpt(text, Optional.of(list)));
    }
    return out;
  }

  /**
   * Summary's list: tokens joined by a bare comma. A comma token shows as an empty piece between two
   * separators, so a run of m empty pieces is m/2 comma tokens; a token that holds a comma among other
   * characters cannot be told from two tokens, for this reader as for a model.
   */
  static List<Hot> listedTokens(String list) {
    List<Hot> out = new ArrayList<>();
    String[] pieces = list.split(",", -1);
    int empties = 0;
    for (String p : pieces) {
      if (p.isEmpty()) {
        empties++;
        continue;
      }
      for (int i = 0; i < empties / 2; i++) out.add(new Hot(",", -1, 1));
      empties = 0;
      out.add(new Hot(p, -1, 1));
    }
    for (int i = 0; i < empties / 2; i++) out.add(new Hot(",", -1, 1));
    return out;
  }

  /**
   * Highlight: every {@code [token]} is hot. Only the text says which brackets are marks, so it is read
   * the way a person would: a mark holds one token, which has no {@code [} in it unless it is that bracket
   * ({@code a[1[]]} marks the {@code ]}). A bracketed part of the excerpt such as {@code [1]} still reads
   * as a mark, for this reader as for a model.
   */
  static Shown bracketed(String marked) {
    StringBuilder text = new StringBuilder();
    List<Hot> hot = new ArrayList<>();
    int i = 0;
    while (i < marked.length()) {
      int close = marked.charAt(i) == '[' ? marked.indexOf(']', i + 2) : -1;
      if (close > 0 && marked.substring(i + 1, close).indexOf('[') >= 0 && !marked.substring(i + 1, close).strip().equals("[")) close = -1;
      if (close > 0) {
        String token = marked.substring(i + 1, close);
        hot.add(new Hot(token, text.length(), 1));
        text.append(token);
        i = close + 1;
      } else {
        text.append(marked.charAt(i++));
      }
    }
    return new Shown(text.toString(), hot);
  }

  /**
   * Highlight-summary and AVHS: a bracket marks a token only where it holds the next token of the list
   * (for AVHS, {@code token\tnorm}), so brackets belonging to the excerpt stay text; every listed token
   * must be found.
   */
  static Shown bracketedAsListed(String marked, String list, boolean withNorms) {
    StringBuilder text = new StringBuilder();
    List<Hot> hot = new ArrayList<>();
    String rest = list;
    int i = 0;
    scan:
    while (i < marked.length()) {
      if (marked.charAt(i) == '[' && !rest.isEmpty()) {
        for (int close = marked.indexOf(']', i + 2); close > 0; close = marked.indexOf(']', close + 1)) {
          String token = marked.substring(i + 1, close);
          Optional<Listed> head = listHead(rest, token, withNorms);
          if (head.isPresent()) {
            hot.add(new Hot(token, text.length(), head.get().weight()));
            text.append(token);
            rest = rest.substring(head.get().length());
            i = close + 1;
            continue scan;
          }
        }
      }
      text.append(marked.charAt(i++));
    }
    if (!rest.isEmpty()) throw new Unreadable("the list of activating tokens names tokens not highlighted in the text: \"" + escape(rest) + "\"");
    return new Shown(text.toString(), hot);
  }

  private record Listed(int length, double weight) {}

  /** Whether the list starts with this token (and, for AVHS, its value), and how much of it that is, separator included. */
  private static Optional<Listed> listHead(String rest, String token, boolean withNorms) {
    if (!withNorms) {
      if (!rest.startsWith(token)) return Optional.empty();
      if (rest.length() == token.length()) return Optional.of(new Listed(token.length(), 1));
      return rest.charAt(token.length()) == ',' ? Optional.of(new Listed(token.length() + 1, 1)) : Optional.empty();
    }
    if (!rest.startsWith(token + "\t")) return Optional.empty();
    Matcher m = LISTED_NORM.matcher(rest);
    m.region(token.length() + 1, rest.length());
    if (!m.lookingAt()) return Optional.empty();
    return Optional.of(new Listed(m.end(), Integer.parseInt(m.group(1)) / 10.0));
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"");
  }

  /** A position in the text and the literal steps of the layout. */
  private static final class Cursor {
    private final String s;
    private int i;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return i == s.length();
    }

    boolean at(String literal) {
      return s.startsWith(literal, i);
    }

    void expect(String literal) {
      if (!at(literal)) throw unreadable("expected \"" + escape(literal) + "\"");
      i += literal.length();
    }

    /** The text up to the next {@code literal}, which is left in place. */
    String upTo(String literal) {
      int j = s.indexOf(literal, i);
      if (j < 0) throw unreadable("no \"" + escape(literal) + "\" follows");
      String out = s.substring(i, j);
      i = j;
      return out;
    }

    /** The text up to the next {@code literal}, or else up to the {@code last} that ends the text. */
    String upToOrEnd(String literal, String last) {
      int j = s.indexOf(literal, i);
      if (j < 0) {
        if (!s.endsWith(last) || s.length() - last.length() < i) throw unreadable("the text does not end with \"" + escape(last) + "\"");
        j = s.length() - last.length();
      }
      String out = s.substring(i, j);
      i = j;
      return out;
    }

    Unreadable unreadable(String what) {
      return new Unreadable(what + " at \"" + escape(s.substring(i, Math.min(s.length(), i + 40))) + "\"");
    }
  }
}
