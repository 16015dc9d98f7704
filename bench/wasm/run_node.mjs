// run_node.mjs FILE [REPS] - the node (V8) side of the engine benchmark: instantiate a
// workload, call its `bench` export REPS times, print the checksum and the median time.
import { readFileSync } from 'node:fs';

const [file, repsArg] = process.argv.slice(2);
const reps = Math.min(Math.max(parseInt(repsArg || '3', 10) || 3, 1), 100);
const { instance } = await WebAssembly.instantiate(readFileSync(file));
const times = [];
let sum = 0;
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  sum = instance.exports.bench() >>> 0;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`checksum=${sum} median_ms=${times[reps >> 1].toFixed(2)} min_ms=${times[0].toFixed(2)}`);
