package dev.neuronscribe.subject;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Mean and central moments 2–4 of every token activation of {@code units} units, combined so that the result
 * is the same to the last bit however the corpus was split. Each batch of excerpts (block {@code b} of the
 * corpus) gives a leaf; leaves are combined pairwise along a fixed binary tree over block numbers (node
 * (level, m) covers blocks {@code [m·2^level, (m+1)·2^level)}), with Pébay's formulas (Chan et al.'s, to the
 * fourth moment). A node is only ever made from its two children, so a shard that saw blocks 5–9 keeps the
 * nodes wholly inside that range and a merge completes the ones that straddle it: every node, and so the
 * result, comes out of the same floating-point operations in any split and any merge order. The pairwise
 * tree also keeps the rounding error at O(log n) instead of O(n). Memory: at most two nodes per level.
 */
final class Moments {
  /** One node of the tree: the moments of every unit over the node's blocks. */
  record Node(int level, long index, long count, double[] mean, double[] m2, double[] m3, double[] m4) {}

  final int units;
  /** The nodes held, keyed by first block; disjoint, and no two of them siblings. */
  final TreeMap<Long, Node> nodes = new TreeMap<>();

  Moments(int units) {
    this.units = units;
  }

  /** Adds a node: a leaf (level 0) computed from one block, or a node another summary holds. */
  void add(Node node) {
    long first = node.index() << node.level(), last = first + (1L << node.level()) - 1;
    var before = nodes.floorEntry(last);
    if (before != null && before.getKey() + (1L << before.getValue().level()) > first) {
      throw new IllegalStateException("batch " + Math.max(first, before.getKey()) + " was summarised twice");
    }
    Node n = node;
    while (true) {
      long sibling = n.index() ^ 1;
      Node s = nodes.get(sibling << n.level());
      if (s == null || s.level() != n.level()) break;
      nodes.remove(sibling << n.level());
      n = (n.index() & 1) == 0 ? combine(n, s) : combine(s, n);
    }
    nodes.put(n.index() << n.level(), n);
  }

  void merge(Moments other) {
    for (Node n : other.nodes.values()) add(n);
  }

  /** The moments over everything added: the held nodes folded from the last to the first. */
  Node total() {
    List<Node> all = new ArrayList<>(nodes.values());
    if (all.isEmpty()) return new Node(0, 0, 0, new double[units], new double[units], new double[units], new double[units]);
    Node acc = all.getLast();
    for (int i = all.size() - 2; i >= 0; i--) acc = combine(all.get(i), acc);
    return acc;
  }

  /** Pébay (2008): the moments of a's values followed by b's. The result's position is a's parent's. */
  private Node combine(Node a, Node b) {
    double na = a.count(), nb = b.count(), n = na + nb;
    double[] mean = new double[units], m2 = new double[units], m3 = new double[units], m4 = new double[units];
    for (int j = 0; j < units; j++) {
      double delta = b.mean()[j] - a.mean()[j], d2 = delta * delta;
      double m2a = a.m2()[j], m3a = a.m3()[j], m4a = a.m4()[j], m2b = b.m2()[j], m3b = b.m3()[j], m4b = b.m4()[j];
      m4[j] = m4a + m4b + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
          + 6 * d2 * (na * na * m2b + nb * nb * m2a) / (n * n) + 4 * delta * (na * m3b - nb * m3a) / n;
      m3[j] = m3a + m3b + d2 * delta * na * nb * (na - nb) / (n * n) + 3 * delta * (na * m2b - nb * m2a) / n;
      m2[j] = m2a + m2b + d2 * na * nb / n;
      mean[j] = a.mean()[j] + delta * nb / n;
    }
    return new Node(a.level() + 1, a.index() >> 1, a.count() + b.count(), mean, m2, m3, m4);
  }

  /** The number of blocks summarised. */
  long blocks() {
    long b = 0;
    for (Node n : nodes.values()) b += 1L << n.level();
    return b;
  }

  /** The held nodes in block order (for saving). */
  Iterable<Node> held() {
    return nodes.values();
  }
}
