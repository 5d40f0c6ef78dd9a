package dev.neuronscribe.evaluate;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A CSV file with a header row (RFC 4180: quoted fields may hold commas, quotes and newlines), read
 * whole. Cells keep their spaces: the paper's reference explanations start with one, and we embed
 * texts exactly as they were written. The one reader of the paper's CSV layouts (the study app reads
 * its explanation tables with it too).
 */
public record Csv(String source, List<String> header, List<Line> lines) {

  /** One data row and the line of the file it starts on (1 = the header). */
  public record Line(int number, List<String> cells) {
    /** The cell, or "" where the row is shorter than the header. */
    public String cell(int column) {
      return column < cells.size() ? cells.get(column) : "";
    }
  }

  /** Reads the file; a missing, empty or malformed file is an {@link InvalidInputException} naming it. */
  public static Csv read(Path file) {
    String source = file.toString();
    CsvMapper mapper = new CsvMapper();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<String[]> it = mapper.readerForArrayOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(reader)) {
      List<String> header = null;
      List<Line> lines = new ArrayList<>();
      while (it.hasNextValue()) {
        int lineNumber = it.getCurrentLocation().getLineNr();
        String[] row = it.nextValue();
        if (header == null) {
          if (row.length > 0 && row[0].startsWith("\uFEFF")) row[0] = row[0].substring(1);
          header = Arrays.stream(row).map(String::trim).toList();
          continue;
        }
        if (row.length == 0 || (row.length == 1 && row[0].isBlank())) continue;
        if (row.length > header.size()) {
          throw new InvalidInputException(source, "line " + Math.max(lineNumber, 2) + " has " + row.length + " fields but the header has "
              + header.size() + "; quote fields that contain commas");
        }
        lines.add(new Line(Math.max(lineNumber, 2), List.of(row)));
      }
      if (header == null) throw new InvalidInputException(source, "is empty; expected a header row and data rows");
      return new Csv(source, header, List.copyOf(lines));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found");
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException ide) throw ide;
      throw new InvalidInputException(source, "is not readable CSV: " + ParseErrors.describe(e), e);
    }
  }

  /** The index of the first header matching one of the names (case-insensitive), or -1. */
  int column(String... names) {
    for (String name : names) {
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).equalsIgnoreCase(name)) return i;
      }
    }
    return -1;
  }

  int requireColumn(String what, String... names) {
    int c = column(names);
    if (c < 0) {
      throw new InvalidInputException(source, "has no " + what + " column (looked for " + String.join(" / ", names)
          + "); its columns are: " + String.join(", ", header));
    }
    return c;
  }

  int integer(Line line, int column, String what) {
    String s = line.cell(column).trim();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(source, "line " + line.number() + ": " + what + " '" + s + "' is not a whole number");
    }
  }

  /** A number, or NaN for an empty cell (a score that was never computed). */
  double number(Line line, int column, String what) {
    String s = line.cell(column).trim();
    if (s.isEmpty() || s.equalsIgnoreCase("nan")) return Double.NaN;
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(source, "line " + line.number() + ": " + what + " '" + s + "' is not a number");
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
