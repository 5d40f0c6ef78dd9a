package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.evaluate.Csv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFieldsTest {
  @TempDir Path tmp;

  @Test
  void writesFieldsThatReadBackAndCannotRunAsSpreadsheetFormulas() throws Exception {
    assertThat(CsvFields.field("plain")).isEqualTo("plain");
    assertThat(CsvFields.field("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
    assertThat(CsvFields.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(CsvFields.field("-0.5")).isEqualTo("-0.5");
    // What the exports write, the project's CSV reader reads back.
    Path f = Files.writeString(tmp.resolve("t.csv"), "h\n" + CsvFields.field("line\nbreak, comma") + "\n");
    assertThat(Csv.read(f).lines()).singleElement().extracting(Csv.Line::cells).isEqualTo(List.of("line\nbreak, comma"));
  }
}
