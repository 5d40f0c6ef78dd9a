package dev.neuronscribe.subject;

/**
 * What the recorded units of one layer are: values computed from the rows a forward pass hands out at a
 * {@link HookPoint}. A layer's neurons are the hook point's values themselves ({@link #neurons}); a
 * dictionary (an SAE or transcoder) is an encoder from the hook point's rows to its latents.
 *
 * <p>The recorder calls {@link #compute} on one thread, once per batch and layer, with the rows of the
 * excerpts' tokens only (a BOS position the model was fed is already dropped).
 */
public interface LayerUnits {
  /** Where the units read from. */
  HookPoint point();

  /** Units per layer: the width of what {@link #compute} returns. */
  int count();

  /** What a unit is, for records and reports: {@code "neuron"} or {@code "latent"}. */
  String kind();

  /** Identifies these units (the dictionary's file digest, say): a resumed recording must see the same ones. */
  String fingerprint();

  /**
   * The units' values for {@code rows} tokens: {@code values} holds {@code rows × model.width(point())}
   * floats, row-major; the result holds {@code rows × count()}, row-major. It may be {@code values} itself or
   * a buffer this object reuses: the recorder reads it before the next call.
   */
  float[] compute(float[] values, int rows);

  /** The hook point's values themselves as units: the MLP's neurons at {@link HookPoint#MLP_ACT}, or residual dimensions. */
  static LayerUnits neurons(Model model, HookPoint point) {
    int width = model.width(point);
    return new LayerUnits() {
      @Override
      public HookPoint point() {
        return point;
      }

      @Override
      public int count() {
        return width;
      }

      @Override
      public String kind() {
        return "neuron";
      }

      @Override
      public String fingerprint() {
        return point.id();
      }

      @Override
      public float[] compute(float[] values, int rows) {
        return values;
      }
    };
  }
}
