package dev.neuronscribe.spark;

import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.ShardWork;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a recording pass's shards as Spark tasks, one task per shard. Each task runs {@link ShardWork#run},
 * a pure function of (plan, shard): a task Spark retries or runs twice speculatively gives the same bytes,
 * and Spark keeps one attempt's output, so no excerpt is lost or counted twice (the recorder also refuses
 * a shard delivered twice). The outputs are computed in parallel, kept by Spark (memory, then disk), and
 * streamed to the driver one at a time to be merged there.
 */
final class SparkShards implements Recorder.Shards {
  /**
   * Test hook, a Spark setting {@code SHARD:MARKER-FILE}: the first attempt of that shard fails after doing its
   * work, and leaves the marker file to show that it did. Lets a test prove that Spark's retry neither loses
   * nor doubles an excerpt.
   */
  static final String FAIL_FIRST_ATTEMPT = "spark.neuronscribe.test.failFirstAttemptOfShard";

  private final JavaSparkContext spark;
  private final String failFirstAttempt;

  SparkShards(JavaSparkContext spark) {
    this.spark = spark;
    this.failFirstAttempt = spark.getConf().get(FAIL_FIRST_ATTEMPT, "");
  }

  /** One shard's output for one layer: what travels from an executor to the driver. */
  record Part(int shard, int layer, byte[] bytes) implements Serializable {}

  @Override
  public int parallelism() {
    return spark.defaultParallelism();
  }

  @Override
  public void run(byte[] plan, int count, Recorder.ShardOutput out) {
    Broadcast<byte[]> shared = spark.broadcast(plan);
    String fail = failFirstAttempt;
    JavaRDD<Part> parts = spark.parallelize(IntStream.range(0, count).boxed().toList(), count).flatMap(shard -> {
      List<byte[]> outputs = ShardWork.run(shared.value(), shard);
      TaskContext task = TaskContext.get();
      if (fail.startsWith(shard + ":") && task.attemptNumber() == 0) {
        java.nio.file.Files.writeString(java.nio.file.Path.of(fail.substring(fail.indexOf(':') + 1)), "failed once");
        throw new IllegalStateException("test: the first attempt of shard " + shard + " fails after doing its work");
      }
      List<Part> result = new ArrayList<>();
      for (int layer = 0; layer < outputs.size(); layer++) result.add(new Part(shard, layer, outputs.get(layer)));
      return result.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      parts.count(); // all shards at once; toLocalIterator alone would run them one after another
      long t1 = System.nanoTime(), merging = 0;
      for (Iterator<Part> it = parts.toLocalIterator(); it.hasNext(); ) {
        Part p = it.next();
        long m0 = System.nanoTime();
        out.accept(p.shard(), p.layer(), p.bytes());
        merging += System.nanoTime() - m0;
      }
      System.err.printf("spark: %d shards ran in %.1f s; fetching and merging their summaries took %.1f s (merging alone %.1f s)%n",
          count, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, merging / 1e9);
    } finally {
      parts.unpersist(false);
      shared.destroy();
    }
  }

  @Override
  public void close() {
    spark.stop();
  }
}
