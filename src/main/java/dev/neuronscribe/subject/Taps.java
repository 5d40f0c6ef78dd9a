package dev.neuronscribe.subject;

/**
 * A hook as a forward pass uses it: each point is one line, {@code if (taps.at(l, POINT, values, rows)) return;},
 * which hands the values over when they are wanted and says when the pass has produced everything asked of it.
 */
final class Taps {
  private final Model.Hook hook;
  private final int lastLayer;
  private final HookPoint lastPoint;

  /** No hook: a language model's pass, which runs every block and hands nothing out. */
  static final Taps NONE = new Taps();

  private Taps() {
    this.hook = null;
    this.lastLayer = -1;
    this.lastPoint = null;
  }

  Taps(Model.Hook hook, int lastLayer) {
    this.hook = hook;
    this.lastLayer = lastLayer;
    HookPoint last = null;
    for (HookPoint p : HookPoint.values()) if (hook.wants(lastLayer, p)) last = p;
    if (last == null) throw new IllegalArgumentException("the hook wants nothing of layer " + lastLayer + ", the last layer to run");
    this.lastPoint = last;
  }

  /** Whether the hook reads this point (a pass computes a value only some hooks need only when asked). */
  boolean wants(int layer, HookPoint point) {
    return hook != null && hook.wants(layer, point);
  }

  /** Hands {@code values} over if wanted; true when this was the last point the pass had to reach. */
  boolean at(int layer, HookPoint point, float[] values, int rows) {
    if (hook == null) return false;
    if (hook.wants(layer, point)) hook.accept(layer, point, values, rows);
    return layer == lastLayer && point == lastPoint;
  }
}
