package dev.neuronscribe.files;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/**
 * A parser's complaint in a user's words: where (line and column) and what, without the library's
 * internals that Jackson appends ({@code [Source: REDACTED …]}, {@code through reference chain
 * java.lang.Object[]…}).
 */
public final class ParseErrors {
  private ParseErrors() {}

  /** Jackson's location inside a message: {@code [Source: …; line: 3, column: 1]}. */
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  /** "line L, column C: what is wrong", from a Jackson error anywhere in the cause chain; else the first line of the message. */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonProcessingException j) {
        String what = SOURCE.matcher(String.valueOf(j.getOriginalMessage())).replaceAll("line $1, column $2").lines().findFirst().orElse("").strip();
        JsonLocation at = j.getLocation();
        return at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what : what;
      }
    }
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
  }
}
