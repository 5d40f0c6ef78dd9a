// llama.cpp's prompt and generation speed on a GGUF, for tools/bench-local-llm.sh: node-llama-cpp 3.21.1 (prebuilt
// llama.cpp), CPU only, THREADS threads. The prompt is the one `scribe bench llm` runs (token i = (i·37 + 11) mod
// min(vocab, 256)), evaluated in one batch; then GENERATE tokens greedily. Prints one line per round after a warm-up.
//
// Usage: node tools/llama_cpp_speed.mjs MODEL.gguf PROMPT GENERATE ROUNDS [THREADS=2]
//   with node-llama-cpp installed outside the repository: npm i -E node-llama-cpp@3.21.1 in /work/node-llama
//   (or NODE_LLAMA_CPP=/path/to/node_modules/node-llama-cpp).
import fs from "node:fs";
import path from "node:path";
import {pathToFileURL} from "node:url";

const [gguf, promptText, generateText, roundsText, threadsText] = process.argv.slice(2);
if (!gguf || !promptText || !generateText || !roundsText) {
    console.error("usage: node tools/llama_cpp_speed.mjs MODEL.gguf PROMPT GENERATE ROUNDS [THREADS]");
    process.exit(2);
}
const [promptTokens, generate, rounds, threads] = [Number(promptText), Number(generateText), Number(roundsText), Number(threadsText ?? 2)];
const lib = process.env.NODE_LLAMA_CPP ?? "/work/node-llama/node_modules/node-llama-cpp";
const pkg = JSON.parse(fs.readFileSync(path.join(lib, "package.json"), "utf8"));
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(path.join(lib, "dist", "index.js")).href);

const llama = await getLlama({gpu: false, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: gguf, gpuLayers: 0});
const vocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 256;
const prompt = Array.from({length: promptTokens}, (_, i) => (i * 37 + 11) % Math.min(vocab, 256));
const context = await model.createContext({contextSize: promptTokens + generate + 16, batchSize: promptTokens, threads});
console.log(`node-llama-cpp ${pkg.version} (llama.cpp ${llama.llamaCppRelease?.release ?? "?"}), ${threads} threads, CPU`);
for (let r = 0; r <= rounds; r++) { // round 0 warms up and is not counted
    const sequence = context.getSequence();
    const t0 = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
    let produced = 0, t1 = 0;
    // The last prompt token goes with the first generation step, as llama.cpp's own tools count it: its logits are the prompt's.
    for await (const token of sequence.evaluate(prompt.slice(-1), {temperature: 0})) {
        if (produced === 0) t1 = performance.now();
        if (++produced > generate) break;
    }
    const t2 = performance.now();
    console.log(`${r === 0 ? "warm-up" : "round"} ${r}: prompt ${(promptTokens / ((t1 - t0) / 1000)).toFixed(1)} tokens/s, generation ${(generate / ((t2 - t1) / 1000)).toFixed(2)} tokens/s`);
    sequence.dispose();
}
await context.dispose();
await model.dispose();
