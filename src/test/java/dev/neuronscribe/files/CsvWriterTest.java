package dev.neuronscribe.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.neuronscribe.evaluate.Csv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvWriterTest {
  @TempDir Path tmp;

  // Texts an explanation or a rater label can hold: the hand-written quoters this writer replaced broke on some of them.
  private static final List<String> AWKWARD = List.of(
      "plain", " leading space", "a, b", "say \"hi\"", "two\nlines", "cr\r\nlf", "\"", ",", "", "#not a comment", "é ≠ e", "tab\there");

  @Test
  void awkwardTextRoundTripsThroughJacksonCsvAndOurReader() throws Exception {
    CsvWriter w = CsvWriter.withHeader("id", "text", "again, quoted \"header\"");
    for (int i = 0; i < AWKWARD.size(); i++) w.row(Integer.toString(i), AWKWARD.get(i), AWKWARD.get(AWKWARD.size() - 1 - i));
    String text = w.text();

    List<List<String>> read = new ArrayList<>();
    try (MappingIterator<String[]> it = new CsvMapper().readerForArrayOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(text)) {
      while (it.hasNextValue()) read.add(List.of(it.nextValue()));
    }
    assertThat(read).hasSize(AWKWARD.size() + 1);
    assertThat(read.getFirst()).containsExactly("id", "text", "again, quoted \"header\"");
    for (int i = 0; i < AWKWARD.size(); i++) {
      assertThat(read.get(i + 1)).containsExactly(Integer.toString(i), AWKWARD.get(i), AWKWARD.get(AWKWARD.size() - 1 - i));
    }

    Path file = tmp.resolve("t.csv");
    w.writeTo(file);
    Csv ours = Csv.read(file);
    assertThat(ours.lines()).hasSize(AWKWARD.size());
    for (int i = 0; i < AWKWARD.size(); i++) assertThat(ours.lines().get(i).cell(1)).isEqualTo(AWKWARD.get(i));
  }

  @Test
  void quotesOnlyWhatMustBeQuotedAsPandasDoes() {
    String text = CsvWriter.withHeader("a", "b").row("plain", "x, y").row("q\"u", "-0.5").text();
    assertThat(text).isEqualTo("a,b\nplain,\"x, y\"\n\"q\"\"u\",-0.5\n");
  }

  @Test
  void aSpreadsheetExportCannotRunAFormulaButKeepsNumbers() {
    String text = CsvWriter.forSpreadsheets(List.of("t")).row("=HYPERLINK(\"x\")").row("-0.5").row("+1").row("@SUM(A1)").row("-x").text();
    assertThat(text).isEqualTo("t\n\"'=HYPERLINK(\"\"x\"\")\"\n-0.5\n+1\n'@SUM(A1)\n'-x\n");
  }

  @Test
  void aRowOfTheWrongWidthIsOurMistakeNotAShortLine() {
    assertThatThrownBy(() -> CsvWriter.withHeader("a", "b").row("only one")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells but the table has 2 columns");
  }
}
