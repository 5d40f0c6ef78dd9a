package dev.neuronscribe.subject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A whole causal language model: token ids in, next-token logits out, with a KV cache per {@link Session}. The
 * weights stay in the mapped file (safetensors or GGUF), never copied onto the heap; a session's cache is on
 * the heap. {@link LanguageModels#open} opens one. Close it to unmap the weights (after its sessions).
 */
public interface LanguageModel extends AutoCloseable {
  /** {@code llama}, {@code mistral}, {@code qwen2} or {@code gemma2}. */
  String architecture();

  /** Logits per position: the head's rows, which may exceed the tokenizer's vocabulary (padding rows). */
  int vocabSize();

  /** The longest sequence the model takes (positions beyond it are refused). */
  int contextLength();

  Tokenizer tokenizer();

  /** What a chat needs to frame a conversation: the template, the special tokens and the ids that end a turn. */
  Chat chat();

  /**
   * A new, empty sequence able to hold {@code capacity} tokens ({@code 1 ≤ capacity ≤ contextLength()}); its
   * cache is allocated as tokens arrive, up to that. Sessions of one model may run on different threads.
   */
  Session newSession(int capacity);

  @Override
  void close();

  /**
   * A model's chat conventions, from {@code tokenizer_config.json} and {@code generation_config.json} (or GGUF
   * metadata).
   *
   * @param template the default chat template (Jinja source), when the model has one
   * @param templates every named template ({@code "default"}, {@code "tool_use"}, ...); a single template is {@code "default"}
   * @param bosToken the beginning-of-sequence token's text, which templates receive as {@code bos_token}
   * @param eosToken the end-of-sequence token's text ({@code eos_token})
   * @param endOfTurn ids that end a generated turn: the EOS token's id and generation_config's {@code eos_token_id}(s)
   * @param bosId the beginning-of-sequence token's id, when the vocabulary has it
   * @param addBos whether a prompt starts with the BOS token ({@code add_bos_token}, else the tokenizer's post-processor)
   */
  record Chat(Optional<String> template, Map<String, String> templates, Optional<String> bosToken, Optional<String> eosToken,
      Set<Integer> endOfTurn, java.util.OptionalInt bosId, boolean addBos) {}

  /** One sequence's KV cache. Not thread-safe; {@link #fork} gives another thread its own. */
  interface Session extends AutoCloseable {
    /** Tokens held in the cache. */
    int length();

    /** The most tokens this session holds. */
    int capacity();

    /**
     * Runs {@code tokens} after those held, as one batch, and keeps them. Returns the logits,
     * {@code tokens.length × vocabSize()} row-major when {@code allPositions}, else the last position's
     * {@code vocabSize()}. Throws {@link IllegalArgumentException} (and keeps nothing) when no tokens are given,
     * an id is outside {@code [0, vocabSize())}, or the tokens would exceed the capacity.
     */
    float[] append(int[] tokens, boolean allPositions);

    /** An independent copy of this session (its cache included), sharing nothing mutable: for n samples of one prompt. */
    Session fork();

    /** Forgets the cached tokens from {@code length} on ({@code 0 ≤ length ≤ length()}). */
    void truncate(int length);

    @Override
    default void close() {}
  }
}
