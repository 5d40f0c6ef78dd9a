package dev.neuronscribe.subject;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The places inside a transformer block where a forward pass hands its values out, in the order the pass
 * reaches them. Every architecture has all five; what each holds is the same idea in each of them.
 */
public enum HookPoint {
  /** The residual stream entering the block (TransformerLens' {@code hook_resid_pre}). */
  RESID_PRE,
  /** What the MLP reads: the normalised residual stream (a transcoder's input). */
  MLP_IN,
  /**
   * The MLP's neurons: the output of {@code mlp.act} (GPT-2, NeoX), or {@code act(gate) · up}, the input of
   * {@code down_proj}, for gated MLPs (Llama, Qwen2, Gemma 2).
   */
  MLP_ACT,
  /** The MLP block's output as it is added to the residual stream (after Gemma 2's post-feed-forward norm). */
  MLP_OUT,
  /** The residual stream leaving the block (TransformerLens' {@code hook_resid_post}; sparsify's {@code layers.N}). */
  RESID_POST;

  /** The lower-case name users write: {@code resid_pre}, {@code mlp_in}, {@code mlp_act}, {@code mlp_out}, {@code resid_post}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<HookPoint> parse(String id) {
    for (HookPoint p : values()) if (p.id().equals(id)) return Optional.of(p);
    return Optional.empty();
  }

  /** The names {@link #parse} accepts, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(HookPoint::id).collect(Collectors.joining(", "));
  }
}
