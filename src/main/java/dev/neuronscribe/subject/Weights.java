package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's tensors, found by name (with or without the {@code transformer.} prefix that
 * {@code save_pretrained} adds) and checked against the config. The big matrices stay in the mapped
 * file; the small vectors (biases, layer-norm gains) are copied into float arrays.
 */
record Weights(Safetensors.Tensor tokenEmbedding, Safetensors.Tensor positionEmbedding, Layer[] layers) {

  static final List<String> LAYER_TENSORS = List.of(
      "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias",
      "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias");

  record Layer(
      float[] ln1Gain, float[] ln1Bias, Matrix qkv, float[] qkvBias, Matrix attnOut, float[] attnOutBias,
      float[] ln2Gain, float[] ln2Bias, Matrix mlpIn, float[] mlpInBias, Matrix mlpOut, float[] mlpOutBias) {}

  private static final Pattern LAYER_NAME = Pattern.compile("^(?:transformer\\.)?h\\.(\\d+)\\..*");

  static Weights from(Safetensors file, Gpt2Config c) {
    String prefix = file.find("transformer.wte.weight").isPresent() ? "transformer." : "";
    Finder f = new Finder(file, prefix);
    for (String name : file.names()) {
      Matcher m = LAYER_NAME.matcher(name);
      if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) >= c.layers())) {
        throw new InvalidInputException(file.file().toString(), "holds tensor '" + name + "' of layer " + m.group(1)
            + ", but config.json says n_layer = " + c.layers() + "; the config does not belong to these weights");
      }
    }
    int e = c.width(), i = c.mlpWidth();
    Safetensors.Tensor wte = f.tensor("wte.weight", c.vocabSize(), e);
    Safetensors.Tensor wpe = f.tensor("wpe.weight", c.contextLength(), e);
    Layer[] layers = new Layer[c.layers()];
    for (int l = 0; l < layers.length; l++) {
      String p = "h." + l + ".";
      layers[l] = new Layer(
          f.vector(p + "ln_1.weight", e), f.vector(p + "ln_1.bias", e),
          new Matrix(f.tensor(p + "attn.c_attn.weight", e, 3 * e)), f.vector(p + "attn.c_attn.bias", 3 * e),
          new Matrix(f.tensor(p + "attn.c_proj.weight", e, e)), f.vector(p + "attn.c_proj.bias", e),
          f.vector(p + "ln_2.weight", e), f.vector(p + "ln_2.bias", e),
          new Matrix(f.tensor(p + "mlp.c_fc.weight", e, i)), f.vector(p + "mlp.c_fc.bias", i),
          new Matrix(f.tensor(p + "mlp.c_proj.weight", i, e)), f.vector(p + "mlp.c_proj.bias", e));
    }
    return new Weights(wte, wpe, layers);
  }

  private record Finder(Safetensors file, String prefix) {
    Safetensors.Tensor tensor(String name, long... shape) {
      Safetensors.Tensor t = file.find(prefix + name).or(() -> file.find(name)).orElseThrow(() ->
          new InvalidInputException(file.file().toString(), "has no tensor '" + prefix + name + "'"
              + (prefix.isEmpty() ? "" : " (nor '" + name + "')") + "; is this a GPT-2 checkpoint, complete and matching config.json?"));
      if (!java.util.Arrays.equals(t.shape(), shape)) {
        throw new InvalidInputException(file.file().toString(), "tensor '" + t.name() + "' has shape " + t.shapeText()
            + ", but config.json (n_embd, n_inner, n_positions, vocab_size) needs " + Safetensors.shapeText(shape)
            + "; the config does not belong to these weights");
      }
      if (!t.dtype().readable()) {
        throw new InvalidInputException(file.file().toString(), "tensor '" + t.name() + "' is stored as " + t.dtype()
            + "; supported weight types are F32, F16 and BF16 (save the model with torch_dtype float32, float16 or bfloat16)");
      }
      return t;
    }

    float[] vector(String name, int n) {
      Safetensors.Tensor t = tensor(name, n);
      float[] v = new float[n];
      t.copy(0, v, 0, n);
      return v;
    }
  }
}
