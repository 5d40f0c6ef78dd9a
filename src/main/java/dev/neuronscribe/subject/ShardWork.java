package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass of a recording cut into shards that run elsewhere: on the workers of a cluster, each with the
 * model and the tokenised corpus at the same paths as the coordinator. The coordinating {@link Recorder}
 * writes a plan (bytes, so that any scheduler can ship it); a worker runs {@link #run(byte[], int)} for a
 * shard and returns one partial summary per layer; the recorder merges them. A shard's output depends only
 * on the plan and the shard number, so a retried or duplicated task gives the same bytes, and the merge
 * refuses a block seen twice.
 */
public final class ShardWork {
  private static final int MAGIC = 0x4e53504c; // "NSPL"
  private static final int VERSION = 1;

  private ShardWork() {}

  /** What a plan asks of its shards. */
  record Plan(boolean calibration, String modelDir, String modelFingerprint, String tokenizerFingerprint, HookPoint point, String excerpts,
      String corpusDigest, RecordingOptions options,
      int size, long total, int shardExcerpts, List<Integer> layers, List<int[]> neurons, List<float[]> bounds) {
    int shards() {
      return (size + shardExcerpts - 1) / shardExcerpts;
    }
  }

  /** The number of shards a plan has. */
  public static int shards(byte[] plan) {
    return read(plan).shards();
  }

  /**
   * Runs shard {@code shard} of the plan: loads the model, reads the shard's excerpts from the tokenised
   * corpus and returns, per layer of the plan (in its order), the calibration maxima or the partial summary.
   */
  public static List<byte[]> run(byte[] planBytes, int shard) {
    Plan p = read(planBytes);
    if (shard < 0 || shard >= p.shards()) throw new IllegalArgumentException("shard " + shard + " of " + p.shards());
    RecordingOptions o = p.options();
    try (Model model = Models.load(Path.of(p.modelDir())); Tokenizer tokenizer = Models.tokenizer(model)) {
      if (!model.fingerprint().equals(p.modelFingerprint()) || !tokenizer.fingerprint().equals(p.tokenizerFingerprint())) {
        throw new InvalidInputException(p.modelDir(), "is not the model the recording was planned with; every worker must see the same checkpoint at this path");
      }
      ExcerptStore store = ExcerptStore.open(Path.of(p.excerpts()), o.excerptTokens(), o.minExcerptTokens())
          .filter(s -> s.corpusDigest().equals(p.corpusDigest()))
          .orElseThrow(() -> new InvalidInputException(p.excerpts(), "is missing or holds another corpus; every worker must see the coordinator's work directory at this path"));
      try (store) {
        LayerRecording[] byLayer = new LayerRecording[model.shape().layers()];
        LayerUnits[] units = new LayerUnits[model.shape().layers()];
        List<LayerRecording> summaries = new ArrayList<>();
        for (int i = 0; i < p.layers().size(); i++) {
          units[p.layers().get(i)] = LayerUnits.neurons(model, p.point());
          LayerRecording r = new LayerRecording(p.layers().get(i), p.neurons().get(i), units[p.layers().get(i)].count(), o);
          if (!p.calibration()) r.setBounds(p.bounds().get(i));
          byLayer[r.layer] = r;
          summaries.add(r);
        }
        int from = shard * p.shardExcerpts(), to = Math.min(p.size(), from + p.shardExcerpts());
        Recorder.batches(model, tokenizer.bos(), units, store, byLayer, p.calibration(), p.size(), from, to, o.batchSize(), null, (next, tokens) -> false);
        List<byte[]> out = new ArrayList<>();
        for (LayerRecording r : summaries) out.add(p.calibration() ? SummaryFormat.floats(r.maxima(from, to - from)) : SummaryFormat.toBytes(r));
        return out;
      }
    }
  }

  static byte[] write(Plan p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeBoolean(p.calibration());
      out.writeUTF(p.modelDir());
      out.writeUTF(p.modelFingerprint());
      out.writeUTF(p.tokenizerFingerprint());
      out.writeUTF(p.point().id());
      out.writeUTF(p.excerpts());
      out.writeUTF(p.corpusDigest());
      RecordingOptions o = p.options();
      for (int v : new int[] {o.excerptTokens(), o.minExcerptTokens(), o.batchSize(), o.topCount(), o.randomCount(), o.perQuantileCount(), o.calibrationExcerpts()}) {
        out.writeInt(v);
      }
      out.writeLong(o.seed());
      out.writeInt(p.size());
      out.writeLong(p.total());
      out.writeInt(p.shardExcerpts());
      out.writeInt(p.layers().size());
      for (int i = 0; i < p.layers().size(); i++) {
        out.writeInt(p.layers().get(i));
        int[] n = p.neurons().get(i);
        out.writeInt(n.length);
        for (int x : n) out.writeInt(x);
        if (!p.calibration()) SummaryFormat.writeFloats(out, p.bounds().get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Plan read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) throw new IllegalArgumentException("not a recording plan of this version of NeuronScribe");
      boolean calibration = in.readBoolean();
      String modelDir = in.readUTF(), fingerprint = in.readUTF(), tokenizerFingerprint = in.readUTF(), pointId = in.readUTF();
      HookPoint point = HookPoint.parse(pointId).orElseThrow(() -> new IOException("unknown hook point " + pointId));
      String excerpts = in.readUTF(), digest = in.readUTF();
      int[] v = new int[7];
      for (int i = 0; i < v.length; i++) v[i] = in.readInt();
      RecordingOptions o = new RecordingOptions(v[0], v[1], v[2], v[3], v[4], v[5], v[6], in.readLong(), Duration.ZERO);
      int size = in.readInt();
      long total = in.readLong();
      int shardExcerpts = in.readInt();
      int layers = in.readInt();
      List<Integer> layerList = new ArrayList<>();
      List<int[]> neurons = new ArrayList<>();
      List<float[]> bounds = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        layerList.add(in.readInt());
        int[] n = new int[in.readInt()];
        for (int k = 0; k < n.length; k++) n[k] = in.readInt();
        neurons.add(n);
        if (!calibration) {
          float[] b = new float[n.length * RecordingOptions.QUANTILES.size()];
          SummaryFormat.readFloats(in, b);
          bounds.add(b);
        }
      }
      return new Plan(calibration, modelDir, fingerprint, tokenizerFingerprint, point, excerpts, digest, o, size, total, shardExcerpts, layerList, neurons, bounds);
    } catch (IOException e) {
      throw new IllegalArgumentException("a damaged recording plan: " + e.getMessage(), e);
    }
  }
}
