package dev.neuronscribe.files;

/**
 * The one HTML escaper, for the report and the study app. It covers the two contexts our pages put text
 * in: element content and double- or single-quoted attribute values ({@code & < > " '} all become
 * entities). Text never goes into a URL, style or script context, where escaping is different.
 */
public final class HtmlEscaper {
  private HtmlEscaper() {}

  public static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (rep == null) {
        if (out != null) out.append(c);
      } else {
        // Most text needs no escaping: copy only once the first special character shows up.
        if (out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
        out.append(rep);
      }
    }
    return out == null ? s : out.toString();
  }
}
