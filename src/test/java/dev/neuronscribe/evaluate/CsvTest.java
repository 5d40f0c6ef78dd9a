package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  @TempDir Path tmp;

  @Test
  void readsQuotedFieldsWithCommasQuotesAndLineBreaksAByteOrderMarkAndCrLf() throws Exception {
    Path f = Files.writeString(tmp.resolve("t.csv"), "\uFEFFa,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\n\nlast,row\n");
    Csv csv = Csv.read(f);
    assertThat(csv.header()).containsExactly("a", "b");
    assertThat(csv.lines()).extracting(Csv.Line::cells)
        .containsExactly(List.of("x, y", "say \"hi\""), List.of("two\nlines", ""), List.of("last", "row"));
    assertThat(csv.lines().getFirst().number()).isEqualTo(2);
  }

  @Test
  void anUnclosedQuoteIsAnErrorNamingTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("file.csv"), "a,b\n\"open,b\n");
    assertThatThrownBy(() -> Csv.read(f)).isInstanceOf(InvalidInputException.class).hasMessageStartingWith(f + ": ");
  }
}
