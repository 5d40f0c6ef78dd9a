package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatLinesTest {
  private static final List<String> TOKENS = List.of(" The", " red", "\n", " car");

  @Test
  void aCompleteAnswerIsRead() {
    var r = ChatLines.parse("Sure.\n<start>\nThe\t0\n red\t 9\n\\n\t0\n car\t10\n<end>", TOKENS);
    assertThat(r).isInstanceOfSatisfying(ChatLines.Parsed.class, p -> assertThat(p.lines()).extracting(ChatLines.Line::value).containsExactly(0, 9, 0, 10));
  }

  @Test
  void everyDeviationIsAnInvalidAnswerWithItsReason() {
    assertThat(reason("<start>\nThe\t0\n red\t9\n<end>")).contains("2 lines for 4 tokens");
    assertThat(reason("<start>\nThe\t0\n blue\t9\n\\n\t0\n car\t1\n<end>")).contains("blue");
    assertThat(reason("<start>\nThe\t0\n red\t11\n\\n\t0\n car\t1\n<end>")).contains("outside 0–10");
    assertThat(reason("<start>\nThe\t0\n red\thigh\n\\n\t0\n car\t1\n<end>")).contains("not a whole number");
    assertThat(reason("<start>\nThe 0\n<end>")).contains("no TAB");
    assertThat(reason("<start>\nThe\t0\n red\t1\n\\n\t0\n car\t1\n extra\t2\n<end>")).contains("more lines");
  }

  private static String reason(String answer) {
    return ((ChatLines.Invalid) ChatLines.parse(answer, TOKENS)).reason();
  }
}
