package dev.neuronscribe.files;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one CSV writer: a header and rows, written by jackson-csv (RFC 4180; a field holding a comma, a quote
 * or a line break is quoted, quotes doubled), so that what we write is what any CSV reader, pandas and
 * our own {@code evaluate.Csv} read back. Quoting is minimal, as pandas writes it, so that the files diff
 * well. Build the text with {@link #row} and take it with {@link #text} or {@link #writeTo}.
 *
 * <p>{@link #forSpreadsheets} adds the guard an export of untrusted text needs: a field starting with
 * {@code = + - @} (and not a number) gets a leading {@code '} so that a spreadsheet opening the file does
 * not run it as a formula.
 */
public final class CsvWriter {
  private static final CsvMapper MAPPER = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

  private final int columns;
  private final boolean guardFormulas;
  private final StringWriter out = new StringWriter();
  private final SequenceWriter rows;

  private CsvWriter(List<String> header, boolean guardFormulas) {
    if (header.isEmpty()) throw new IllegalArgumentException("a CSV table needs at least one column");
    this.columns = header.size();
    this.guardFormulas = guardFormulas;
    try {
      this.rows = MAPPER.writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator("\n")).writeValues(out);
      rows.write(header.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
  }

  /** A table with these column names, for files that our tools and scripts read. */
  public static CsvWriter withHeader(List<String> header) {
    return new CsvWriter(header, false);
  }

  public static CsvWriter withHeader(String... header) {
    return withHeader(List.of(header));
  }

  /** A table whose text fields may come from strangers and that a person may open in a spreadsheet. */
  public static CsvWriter forSpreadsheets(List<String> header) {
    return new CsvWriter(header, true);
  }

  /** One row; it must have as many cells as the header (pad with "" for a missing value). */
  public CsvWriter row(List<String> cells) {
    if (cells.size() != columns) {
      throw new IllegalArgumentException("a row has " + cells.size() + " cells but the table has " + columns + " columns");
    }
    String[] fields = new String[columns];
    for (int i = 0; i < columns; i++) fields[i] = guardFormulas ? guard(cells.get(i)) : cells.get(i);
    try {
      rows.write(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public CsvWriter row(String... cells) {
    return row(List.of(cells));
  }

  /** The whole table so far, header first, each row ended by a newline. */
  public String text() {
    try {
      rows.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes the table atomically (see {@link AtomicFiles}). */
  public void writeTo(Path file) {
    AtomicFiles.writeString(file, text());
  }

  @Override
  public String toString() {
    return text();
  }

  static String guard(String s) {
    return !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !isNumber(s) ? "'" + s : s;
  }

  /** Whether a cell reads as a number (then it is data, not a formula, even with a leading sign). */
  public static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
