package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Gpt2TokenizerTest {
  private final Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();

  @Test
  void encodesWithGpt2sVocabulary() {
    // Ids as GPT-2's own tokenizer gives them.
    assertThat(tokenizer.encode("Hello world")).containsExactly(15496, 995);
    assertThat(tokenizer.encode(" the")).containsExactly(262);
    assertThat(tokenizer.encode("\n")).containsExactly(198);
  }

  @Test
  void tokensDecodeAsOpenAisRecordsStoreThem() {
    assertThat(tokenizer.token(262)).isEqualTo(" the");
    assertThat(tokenizer.token(198)).isEqualTo("\n");
    assertThat(tokenizer.token(628)).isEqualTo("\n\n");
    assertThat(tokenizer.token(50256)).isEqualTo("<|endoftext|>");
    int[] ids = tokenizer.encode("The cat's hat, isn't it?");
    StringBuilder joined = new StringBuilder();
    for (int id : ids) joined.append(tokenizer.token(id));
    assertThat(joined.toString()).isEqualTo("The cat's hat, isn't it?");
  }

  @Test
  void specialTokenTextInTheCorpusIsOrdinaryText() {
    int[] ids = tokenizer.encode("a<|endoftext|>b");
    assertThat(ids).doesNotContain(50256).hasSizeGreaterThan(3);
  }

  @Test
  void aTokenHoldingPartOfACharacterDecodesToTheReplacementCharacter() {
    // GPT-2 has no token for this emoji: it is split into byte-level tokens, none valid UTF-8 alone.
    int[] ids = tokenizer.encode("🦜");
    assertThat(ids.length).isGreaterThan(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      assertThat(tokenizer.token(id)).contains("\ufffd");
      bytes.writeBytes(tokenizer.bytes(id));
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("🦜");
  }
}
