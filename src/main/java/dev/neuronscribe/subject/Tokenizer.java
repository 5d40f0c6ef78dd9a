package dev.neuronscribe.subject;

import java.util.OptionalInt;

/**
 * Text to token ids, and each id back to the text it stands for, the way a recording shows tokens: each
 * token decoded on its own, so that an excerpt's token strings, joined, spell its text.
 */
public interface Tokenizer extends AutoCloseable {
  /** The ids of {@code text}, without any special token the tokenizer would add around a whole input. */
  int[] encode(String text);

  /** The token's text on its own. */
  String token(int id);

  /**
   * The text of a run of tokens, decoded together (so that bytes a character spans across tokens join up, and a
   * SentencePiece decoder treats the leading space as it does for whole texts); special tokens are kept.
   */
  String decode(int[] ids);

  /**
   * The beginning-of-sequence token when the tokenizer's own post-processor adds one ({@code tokenizer(text)} in
   * transformers): the model is then fed it before every excerpt, and its position is not recorded.
   */
  OptionalInt bos();

  /** One more than the largest id this tokenizer produces. */
  int vocabularySize();

  /** Identifies the tokenizer: a resumed recording must tokenise the same way. */
  String fingerprint();

  /** Frees what the tokenizer holds outside the heap (a native tokenizer); nothing for a pure-Java one. */
  @Override
  default void close() {}
}
