package dev.neuronscribe.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class TestDataTest {

  @Test
  void aMissingFixtureFailsTheTestInsteadOfSkippingIt() {
    assertThatThrownBy(() -> TestData.require("fixtures/no-such-model")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("src/test/resources/fixtures/no-such-model");
  }

  @Test
  void theShippedDataIsFoundOnDisk() {
    assertThat(Files.isRegularFile(TestData.require("fixtures/gpt2-tiny-a/model.safetensors"))).isTrue();
    assertThat(Files.isRegularFile(TestData.require("reference/openai-puzzles.json"))).isTrue();
  }
}
