package dev.neuronscribe.subject;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hook point as users of SAELens / TransformerLens and of EleutherAI's sparsify name it, mapped to where it
 * is in our forward pass: a layer and a {@link HookPoint}.
 *
 * <p>TransformerLens names: {@code blocks.L.hook_resid_pre}, {@code blocks.L.hook_resid_post},
 * {@code blocks.L.hook_mlp_out}, {@code blocks.L.ln2.hook_normalized} (the MLP's input) and
 * {@code blocks.L.mlp.hook_post} (the MLP's neurons). sparsify names a hook point by the module it hooks:
 * {@code layers.L} (or GPT-2's {@code h.L}) is the output of block L, the residual stream after it;
 * {@code layers.L.mlp} is the MLP's output for a sparse autoencoder and its input for a transcoder, which reads
 * the module's input and predicts its output.
 *
 * @param layer the block
 * @param point where in the block
 * @param name the name as the user or the dictionary gave it
 */
public record HookName(int layer, HookPoint point, String name) {

  private static final Pattern TRANSFORMER_LENS = Pattern.compile("blocks\\.(\\d{1,6})\\.(hook_resid_pre|hook_resid_post|hook_mlp_out|ln2\\.hook_normalized|mlp\\.hook_post)");
  private static final Pattern SPARSIFY = Pattern.compile("(?:(?:model|transformer|gpt_neox|base_model)\\.)*(?:layers|h)\\.(\\d{1,6})(\\.mlp)?");
  private static final Pattern OURS = Pattern.compile("(resid_pre|mlp_in|mlp_act|mlp_out|resid_post)\\.(\\d{1,6})");

  /**
   * Reads a hook name. {@code transcoder} decides what sparsify's {@code layers.L.mlp} means (a transcoder reads
   * the MLP's input). Empty for a name we do not know.
   */
  public static Optional<HookName> parse(String name, boolean transcoder) {
    String n = name.strip();
    Matcher m = TRANSFORMER_LENS.matcher(n);
    if (m.matches()) {
      HookPoint point = switch (m.group(2)) {
        case "hook_resid_pre" -> HookPoint.RESID_PRE;
        case "hook_resid_post" -> HookPoint.RESID_POST;
        case "hook_mlp_out" -> HookPoint.MLP_OUT;
        case "ln2.hook_normalized" -> HookPoint.MLP_IN;
        default -> HookPoint.MLP_ACT;
      };
      return Optional.of(new HookName(Integer.parseInt(m.group(1)), point, n));
    }
    m = SPARSIFY.matcher(n);
    if (m.matches()) {
      HookPoint point = m.group(2) == null ? HookPoint.RESID_POST : transcoder ? HookPoint.MLP_IN : HookPoint.MLP_OUT;
      return Optional.of(new HookName(Integer.parseInt(m.group(1)), point, n));
    }
    m = OURS.matcher(n.toLowerCase(Locale.ROOT));
    if (m.matches()) return Optional.of(new HookName(Integer.parseInt(m.group(2)), HookPoint.parse(m.group(1)).orElseThrow(), n));
    return Optional.empty();
  }

  /** What {@link #parse} accepts, for error messages. */
  public static final String SUPPORTED = "blocks.L.hook_resid_pre, blocks.L.hook_resid_post, blocks.L.hook_mlp_out, "
      + "blocks.L.ln2.hook_normalized, blocks.L.mlp.hook_post (SAELens/TransformerLens), layers.L or h.L and layers.L.mlp (sparsify), "
      + "or ours: resid_pre.L, mlp_in.L, mlp_act.L, mlp_out.L, resid_post.L";

  @Override
  public String toString() {
    return name + " (" + point.id() + " of layer " + layer + ")";
  }
}
