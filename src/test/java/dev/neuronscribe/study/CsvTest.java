package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.InvalidDataException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void readsQuotedFieldsWithCommasQuotesAndLineBreaks() {
    assertThat(Csv.parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n", "t"))
        .containsExactly(List.of("a", "b"), List.of("x, y", "say \"hi\""), List.of("two\nlines", ""));
    assertThat(Csv.parse("\uFEFFa,b", "t")).containsExactly(List.of("a", "b"));
  }

  @Test
  void anUnclosedQuoteIsAnErrorNamingTheFile() {
    assertThatThrownBy(() -> Csv.parse("a\n\"open,b\n", "file.csv")).isInstanceOf(InvalidDataException.class).hasMessageStartingWith("file.csv: ");
  }

  @Test
  void writesFieldsThatReadBackAndCannotRunAsSpreadsheetFormulas() {
    assertThat(Csv.field("plain")).isEqualTo("plain");
    assertThat(Csv.field("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
    assertThat(Csv.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(Csv.field("-0.5")).isEqualTo("-0.5");
    assertThat(Csv.parse(Csv.field("line\nbreak, comma") + "\n", "t")).containsExactly(List.of("line\nbreak, comma"));
  }
}
