package dev.neuronscribe.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEmbeddingsTest {
  @Test
  void similarMeaningsAreCloserThanUnrelatedOnes() {
    MiniLmEmbeddings model = new MiniLmEmbeddings();
    List<float[]> v = model.embed(List.of("words related to colors", "colour names such as red and blue", "closing parentheses in code"));
    assertThat(v).hasSize(3).allSatisfy(x -> assertThat(x).hasSize(384));
    double near = EmbeddingModel.cosine(v.get(0), v.get(1));
    double far = EmbeddingModel.cosine(v.get(0), v.get(2));
    assertThat(near).isGreaterThan(far + 0.2);
    assertThat(EmbeddingModel.cosine(v.get(0), v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void blankTextsAreRefusedNamingTheirIndexAndVisibleTextsWithControlCharactersAreEmbedded() {
    MiniLmEmbeddings model = new MiniLmEmbeddings();
    // The puzzles hold a "\x00" token; langchain4j alone would say only "text cannot be null or blank".
    assertThatThrownBy(() -> model.embed(List.of("a word", "\u0000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 1 of 2").hasMessageContaining("\\x00");
    for (String blank : List.of("", " ", "\n\t", "\u0001\u001f", "\u00a0", "\u3000", "\u200b", "\ufffd", "\u0301")) {
      assertThat(EmbeddingModel.blank(blank)).as("blank: %s", blank.codePoints().boxed().toList()).isTrue();
      assertThatThrownBy(() -> model.embed(List.of(blank))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 0 of 1");
    }
    // Anything visible is embedded as it is, control characters included.
    assertThat(EmbeddingModel.blank("x\u0000")).isFalse();
    List<float[]> v = model.embed(List.of("red\u0000", "red"));
    assertThat(EmbeddingModel.cosine(v.get(0), v.get(1))).isGreaterThan(0.9);
  }

  @Test
  void everySingleCharacterThatIsNotBlankCanBeEmbedded() {
    // What the check lets through must never reach the tokenizer's own "Cannot embed empty" refusal.
    java.util.List<String> visible = new java.util.ArrayList<>();
    for (int c = 0; c <= 0xFFFF; c++) {
      // Latin-1, General Punctuation (zero-width and direction marks), Specials, and a sample of the rest.
      boolean probe = c < 0x100 || (c >= 0x2000 && c < 0x2070) || c >= 0xFFF0 || c % 211 == 0;
      if (probe && !EmbeddingModel.blank(Character.toString(c))) visible.add(Character.toString(c));
    }
    assertThat(visible).hasSizeGreaterThan(400);
    assertThat(new MiniLmEmbeddings().embed(visible)).hasSize(visible.size());
  }
}
