// Records llama.cpp's next-token log-probabilities at every position of the prompts of a fixture's reference, for
// LlamaCppAgreementTest: node-llama-cpp 3.21.1 (prebuilt llama.cpp), CPU only, through its controlledEvaluate API
// with the full probability list at each position (temperature 1, no top-k/top-p/min-p, so it is the plain softmax).
//
// Usage: node tools/llama_cpp_logprobs.mjs MODEL.gguf REFERENCE.json OUT.json [K=20]
//   with node-llama-cpp installed outside the repository: npm i -E node-llama-cpp@3.21.1 in /work/node-llama
//   (or NODE_LLAMA_CPP=/path/to/node_modules/node-llama-cpp).
import fs from "node:fs";
import path from "node:path";
import {pathToFileURL} from "node:url";

const [gguf, referenceFile, out, kText] = process.argv.slice(2);
if (!gguf || !referenceFile || !out) {
    console.error("usage: node tools/llama_cpp_logprobs.mjs MODEL.gguf REFERENCE.json OUT.json [K]");
    process.exit(2);
}
const k = Number(kText ?? 20);
const lib = process.env.NODE_LLAMA_CPP ?? "/work/node-llama/node_modules/node-llama-cpp";
const pkg = JSON.parse(fs.readFileSync(path.join(lib, "package.json"), "utf8"));
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(path.join(lib, "dist", "index.js")).href);

const reference = JSON.parse(fs.readFileSync(referenceFile, "utf8"));
const llama = await getLlama({gpu: false, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: gguf, gpuLayers: 0});
const longest = Math.max(...reference.prompts.map((p) => p.token_ids.length));
const context = await model.createContext({contextSize: 128, sequences: reference.prompts.length, batchSize: longest, threads: 2});
const sampling = {temperature: 1, topK: 0, topP: 1, minP: 0};

const prompts = [];
for (const prompt of reference.prompts) {
    const sequence = context.getSequence();
    const input = prompt.token_ids.map((t) => [t, {generateNext: {probabilities: true, options: sampling}}]);
    const results = await sequence.controlledEvaluate(input);
    const topIds = [], topLogprobs = [];
    for (let i = 0; i < input.length; i++) {
        const probabilities = results[i]?.next?.probabilities;
        if (!probabilities) throw new Error("no probabilities at position " + i);
        const top = [...probabilities.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
        topIds.push(top.map(([id]) => id));
        topLogprobs.push(top.map(([, p]) => Math.log(p)));
    }
    prompts.push({token_ids: prompt.token_ids, top_ids: topIds, top_logprobs: topLogprobs});
    sequence.dispose();
}
fs.writeFileSync(out, JSON.stringify({
    made_with: "node-llama-cpp " + pkg.version + " (llama.cpp " + (llama.llamaCppRelease?.release ?? "?") + "), CPU, " + path.basename(gguf),
    top: k, prompts
}));
await context.dispose();
await model.dispose();
await llama.dispose();
console.log("wrote", out);
