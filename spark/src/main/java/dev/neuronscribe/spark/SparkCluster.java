package dev.neuronscribe.spark;

import dev.neuronscribe.subject.Recorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Connects {@code scribe record --spark MASTER} to Apache Spark (found by {@link java.util.ServiceLoader}
 * as a {@link Recorder.Cluster}).
 */
public final class SparkCluster implements Recorder.Cluster {
  private static final int PROBE_MILLIS = 5_000;

  @Override
  public Recorder.Shards connect(String master) {
    SparkConf conf = new SparkConf(true).setAppName("neuronscribe record");
    if (!master.isEmpty()) conf.setMaster(master);
    if (!conf.contains("spark.master")) {
      throw new IllegalArgumentException("--spark without a MASTER needs spark-submit's --master; give one, e.g. --spark local[2] or --spark spark://host:7077");
    }
    String m = conf.get("spark.master");
    if (m.startsWith("local")) {
      // Nothing leaves the machine in local mode: bind to loopback and open no web UI, unless told otherwise.
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    } else if (m.startsWith("spark://")) {
      probe(m);
    }
    try {
      return new SparkShards(new JavaSparkContext(conf));
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start Spark with master " + m + ": " + firstLine(e), e);
    }
  }

  /**
   * A standalone master that does not answer makes Spark retry for a minute and then give up in its logs;
   * trying its port first gives the user a one-line answer at once, before anything is written.
   */
  private static void probe(String master) {
    IOException last = null;
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      URI uri = URI.create("spark://" + hostPort.trim());
      if (uri.getHost() == null || uri.getPort() < 0) throw new IllegalArgumentException("--spark " + master + ": expected spark://HOST:PORT");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), PROBE_MILLIS);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException("cannot reach the Spark master at " + master + " (" + firstLine(last)
        + "); start it, or check the host and port (a standalone master listens on 7077 by default)");
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
