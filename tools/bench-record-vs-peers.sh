#!/usr/bin/env bash
# The recorder beside its two CPU peers, paired in one session on one machine:
#   tools/bench-record-vs-peers.sh [ROUNDS]        (default 5 rounds)
#
# Each round runs, a few seconds apart and in this order:
#   scribe        ./scribe bench record --repeats 1        (GPT-2 small's shape; 4 timed batches of 16 x 64
#                 tokens for the forward pass alone, then 4 for the recording)
#   torch         bench/peers/bench_torch_gpt2.py 12 768 64 16 4 2   (PyTorch CPU, MLP hooks, 2 threads)
#   numpy-native  bench/peers/gpt2_numpy.py bench 12 768 64 16 4 with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
#                 unset: OpenBLAS picks the kernels for this CPU (AVX-512 where it has it)
#   numpy-haswell the same with OPENBLAS_CORETYPE=Haswell (the AVX2 kernels; the value already in the
#                 environment if there is one, and OPENBLAS_L2_SIZE as the environment has it)
# and the summary gives each peer's median tokens/s and the median of the per-round ratios ours/peer.
# On a shared (virtual) machine every program's throughput moves by tens of percent from minute to minute;
# a ratio taken within one round compares the programs under the same load, a ratio of medians would not.
#
# PyTorch: TORCH_PYTHON names a python with torch and transformers (default: python3), e.g.
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch transformers numpy
#   TORCH_PYTHON=/tmp/venv/bin/python tools/bench-record-vs-peers.sh 5
# NUMPY_PYTHON names the python for numpy's peer (default: python3).
# PEERS=torch leaves numpy out: on a heavily oversubscribed machine OpenBLAS's waiting threads can make one
# numpy run take many minutes (the numpy columns then read "-").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
torch_py="${TORCH_PYTHON:-python3}"
numpy_py="${NUMPY_PYTHON:-python3}"
peers="$here/bench/peers"
if ! "$torch_py" -c 'import torch, transformers' 2>/dev/null; then
  echo "bench-record-vs-peers: $torch_py cannot import torch and transformers; set TORCH_PYTHON (see the top of this script)" >&2
  exit 2
fi
peers_wanted="${PEERS:-torch numpy}"
with_numpy=0
[[ " $peers_wanted " == *" numpy "* ]] && with_numpy=1
if ((with_numpy)) && ! "$numpy_py" -c 'import numpy' 2>/dev/null; then
  echo "bench-record-vs-peers: $numpy_py cannot import numpy; set NUMPY_PYTHON" >&2
  exit 2
fi
haswell="${OPENBLAS_CORETYPE:-Haswell}"
"$here/scribe" --version >/dev/null 2>&1 || true # build first, outside the timed rounds
table="$(mktemp)"
trap 'rm -f "$table"' EXIT

tokens_per_s() { awk '/^tokens\/s/ {print $2; exit}'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peers: $("$torch_py" -c 'import torch; print("torch", torch.__version__)'), $("$numpy_py" -c 'import numpy; print("numpy", numpy.__version__)'); numpy-haswell uses OPENBLAS_CORETYPE=$haswell"
printf '%-5s %10s %10s %10s %10s %10s | %8s %8s %8s\n' round scribe-fwd scribe-rec torch np-native np-haswell rec/torch rec/npn rec/nph
for ((r = 1; r <= rounds; r++)); do
  out="$("$here/scribe" bench record --repeats 1 2>/dev/null)"
  fwd="$(awk '/forward pass  median/ {print $4}' <<<"$out")"
  rec="$(awk '/recording     median/ {print $3}' <<<"$out")"
  tch="$("$torch_py" "$peers/bench_torch_gpt2.py" 12 768 64 16 4 2 | tokens_per_s)"
  npn=nan nph=nan
  if ((with_numpy)); then
    npn="$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$numpy_py" "$peers/gpt2_numpy.py" bench 12 768 64 16 4 | tokens_per_s)"
    nph="$(OPENBLAS_CORETYPE="$haswell" "$numpy_py" "$peers/gpt2_numpy.py" bench 12 768 64 16 4 | tokens_per_s)"
  fi
  echo "$fwd $rec $tch $npn $nph" >>"$table"
  python3 -c 'import sys
r, f, c, t, n, h = sys.argv[1], *map(float, sys.argv[2:])
col = lambda v: f"{v:10.1f}" if v == v else f"{chr(45):>10}"
ratio = lambda p: f"{c / p:7.2f}x" if p == p else f"{chr(45):>8}"
print(f"{r:<5} {col(f)} {col(c)} {col(t)} {col(n)} {col(h)} | {ratio(t)} {ratio(n)} {ratio(h)}")' "$r" "$fwd" "$rec" "$tch" "$npn" "$nph"
done
python3 - "$table" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
fwd, rec, tch, npn, nph = zip(*rows)
med = statistics.median
print(f"median tokens/s ({len(rows)} rounds): scribe forward {med(fwd):.0f}, scribe recording {med(rec):.0f}, PyTorch {med(tch):.0f}"
      + ("" if npn[0] != npn[0] else f", numpy native kernels {med(npn):.0f}, numpy Haswell kernels {med(nph):.0f}"))
for name, peer in (("PyTorch", tch), ("numpy native kernels", npn), ("numpy Haswell kernels", nph)):
    if peer[0] != peer[0]:
        continue
    fr = [f / p for f, p in zip(fwd, peer)]
    rr = [c / p for c, p in zip(rec, peer)]
    print(f"median of per-round ratios vs {name}: forward {med(fr):.2f}x (range {min(fr):.2f}-{max(fr):.2f}), "
          f"recording {med(rr):.2f}x (range {min(rr):.2f}-{max(rr):.2f})")
PY
