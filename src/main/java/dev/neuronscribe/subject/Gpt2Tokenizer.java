package dev.neuronscribe.subject;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * GPT-2's byte-level BPE (jtokkit's {@code r50k_base} is the same vocabulary and merges), and each token
 * decoded on its own the way OpenAI's NeuronRecords store tokens: {@code " the"}, {@code "\n"}.
 *
 * <p>A token that holds only part of a multi-byte UTF-8 character (GPT-2 splits some emoji and CJK
 * characters into byte tokens) decodes to U+FFFD, the replacement character, as Python's
 * {@code bytes.decode("utf-8", errors="replace")} gives for it.
 */
public final class Gpt2Tokenizer implements Tokenizer {
  /** Tokens in GPT-2's vocabulary, {@code <|endoftext|>} (50256) included. */
  public static final int VOCABULARY_SIZE = 50257;

  private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
  private final AtomicReferenceArray<String> strings = new AtomicReferenceArray<>(VOCABULARY_SIZE);

  /** The token ids of {@code text}; {@code <|endoftext|>} inside text is encoded as ordinary text. */
  @Override
  public int[] encode(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  /** The token's text as OpenAI's records show it. */
  @Override
  public String token(int id) {
    if (id < 0 || id >= VOCABULARY_SIZE) throw new IllegalArgumentException("token id " + id + " is outside GPT-2's vocabulary");
    String s = strings.get(id);
    if (s == null) {
      IntArrayList one = new IntArrayList(1);
      one.add(id);
      s = new String(encoding.decodeBytes(one), StandardCharsets.UTF_8);
      strings.set(id, s);
    }
    return s;
  }

  @Override
  public String decode(int[] ids) {
    IntArrayList list = new IntArrayList(ids.length);
    for (int id : ids) {
      if (id < 0 || id >= VOCABULARY_SIZE) throw new IllegalArgumentException("token id " + id + " is outside GPT-2's vocabulary");
      list.add(id);
    }
    return new String(encoding.decodeBytes(list), StandardCharsets.UTF_8);
  }

  /** GPT-2 has no BOS: OpenAI's records start an excerpt with its first token. */
  @Override
  public OptionalInt bos() {
    return OptionalInt.empty();
  }

  @Override
  public int vocabularySize() {
    return VOCABULARY_SIZE;
  }

  @Override
  public String fingerprint() {
    return "gpt2 r50k_base";
  }

  /** The raw bytes of a token (a byte-level token may not be valid UTF-8 on its own). */
  public byte[] bytes(int id) {
    IntArrayList one = new IntArrayList(1);
    one.add(id);
    return encoding.decodeBytes(one);
  }
}
