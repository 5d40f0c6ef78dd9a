package dev.neuronscribe.llm;

import static org.assertj.core.api.Assertions.assertThat;

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
}
