#!/usr/bin/env bash
# Records on a real Spark standalone cluster on this machine and compares the result with `scribe record`.
#
#   tools/spark-standalone.sh MODEL CORPUS WORKDIR [-- RECORD OPTIONS...]
#
# What it does, all on 127.0.0.1 (SPARK_LOCAL_IP, --host; the daemons' web UIs on loopback too):
#  1. builds the main project and the spark/ module (the jars spark-submit ships with --jars);
#  2. makes a Spark "distribution" in WORKDIR/spark-home: jars/ holds links to the Spark 4.2 jars Maven already
#     resolved for spark/ (a worker starts its executors with SPARK_HOME/jars/* on their classpath, as in a
#     downloaded distribution; no download is needed);
#  3. starts a standalone master and one worker (org.apache.spark.deploy.master.Master / worker.Worker: what
#     sbin/start-master.sh and sbin/start-worker.sh run);
#  4. submits `scribe record --spark` through org.apache.spark.deploy.SparkSubmit (what bin/spark-submit runs),
#     client mode, the CLI's jar as the application and its libraries as --jars, as docs/spark.md shows;
#  5. records the same on one machine (./scribe record) and compares the two outputs file by file;
#  6. stops the worker and the master (their process ids; also on Ctrl-C or failure).
# Default RECORD OPTIONS record a small selection; pass your own after `--`.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 MODEL CORPUS WORKDIR [-- RECORD OPTIONS...]" >&2
  exit 2
fi
model=$(realpath "$1"); corpus=$(realpath "$2"); work=$(realpath -m "$3"); shift 3
[[ "${1:-}" == "--" ]] && shift
options=("$@")
[[ ${#options[@]} -eq 0 ]] && options=(--layers 0,1 --neurons 0-63 --calibration 32)
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export SPARK_LOCAL_IP=127.0.0.1
java="$JAVA_HOME/bin/java"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow)
# What bin/spark-class adds on Java 17+ (Spark's launcher, JavaModuleOptions): Spark reaches into these packages.
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
opens+=(-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true --enable-native-access=ALL-UNNAMED)

echo "== building (main project, spark/ module)"
(cd "$here" && ./mvnw -q -B -ntp install -DskipTests && ./mvnw -q -B -ntp -f spark/pom.xml package -DskipTests)
app=$(ls "$here"/spark/target/neuronscribe-spark-*.jar | head -1)
jars=$(ls "$here"/spark/target/lib/*.jar | paste -sd, -)

mkdir -p "$work"
home="$work/spark-home"
rm -rf "$home"; mkdir -p "$home/jars" "$home/conf"
tr ':' '\n' < "$here/spark/target/spark-classpath.txt" | while read -r jar; do
  [[ -n "$jar" ]] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
done
echo "JAVA_HOME=$JAVA_HOME" > "$home/conf/spark-env.sh"
# A worker builds its executors' command as bin/spark-class would: a RELEASE file marks a binary distribution
# (jars in jars/, not a source tree's build directories), and the Scala version is the one the jars are for.
echo "Spark 4.2.0 (jars from the local Maven repository, made by tools/spark-standalone.sh)" > "$home/RELEASE"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13
cp "$here/spark/src/main/resources/log4j2.properties" "$home/conf/log4j2.properties"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); mui=$(free_port); wui=$(free_port)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT

echo "== master spark://127.0.0.1:$port, one worker (logs in $work/*.log)"
"$java" "${opens[@]}" -Xmx512m -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$mui" >"$work/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 1; done
cores=$(nproc)
"$java" "${opens[@]}" -Xmx512m -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.worker.Worker \
  --host 127.0.0.1 --webui-port "$wui" --cores "$cores" --memory 4g --work-dir "$work/worker" \
  "spark://127.0.0.1:$port" >"$work/worker.log" 2>&1 &
pids+=($!)
# The master's web UI (loopback) lists its workers as JSON: wait until ours is ALIVE.
alive() {
  python3 - "$mui" <<'PY'
import json, sys, urllib.request
try:
    state = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/json/", timeout=5))
    sys.exit(0 if any(w.get("state") == "ALIVE" for w in state.get("workers", [])) else 1)
except Exception:
    sys.exit(1)
PY
}
for _ in $(seq 90); do alive && break; sleep 1; done
alive || { echo "the worker did not register with the master; see $work/worker.log and $work/master.log" >&2; exit 1; }

rm -rf "$work/on-cluster" "$work/one-machine"
echo "== spark-submit: scribe record --spark on spark://127.0.0.1:$port"
executor_flags="${flags[*]} -Xss4m"
start=$(date +%s.%N)
"$java" "${opens[@]}" "${flags[@]}" -Xss4m -Xmx2g -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client --class dev.neuronscribe.cli.Main \
  --conf spark.driver.bindAddress=127.0.0.1 --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
  --conf "spark.executor.extraJavaOptions=$executor_flags" --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --executor-memory 3g --jars "$jars" "$app" \
  record --spark --model "$model" --corpus "$corpus" --out "$work/on-cluster" "${options[@]}"
cluster_s=$(echo "$(date +%s.%N) - $start" | bc)
stop
trap - EXIT

echo "== one machine: scribe record"
start=$(date +%s.%N)
"$here/scribe" record --model "$model" --corpus "$corpus" --out "$work/one-machine" "${options[@]}"
single_s=$(echo "$(date +%s.%N) - $start" | bc)

echo "== comparing (every file but the resumable run's working folder)"
differ=0
while read -r f; do
  if ! cmp -s "$work/one-machine/$f" "$work/on-cluster/$f"; then echo "differs: $f"; differ=1; fi
done < <(cd "$work/one-machine" && find . -type f -not -path './.scribe-recording/*' | sort)
a=$(cd "$work/one-machine" && find . -type f -not -path './.scribe-recording/*' | sort | wc -l)
b=$(cd "$work/on-cluster" && find . -type f -not -path './.scribe-recording/*' | sort | wc -l)
printf 'standalone cluster (1 worker, %s cores): %.1f s; one machine: %.1f s; files: %s vs %s\n' "$cores" "$cluster_s" "$single_s" "$b" "$a"
if [[ $differ -ne 0 || "$a" != "$b" ]]; then echo "the outputs differ" >&2; exit 1; fi
echo "identical outputs"
