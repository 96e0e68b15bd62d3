// The V8 half of the wasm benchmark: runs each bench_* export of
// kernels.wasm under node and prints "name checksum seconds" lines.
const fs = require('fs');
const bytes = fs.readFileSync(process.argv[2]);
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
for (const name of ['fib', 'sha256', 'crc32', 'quicksort', 'matmul', 'packets']) {
	const fn = inst.exports['bench_' + name];
	let best = 1e9, sum = 0;
	for (let rep = 0; rep < 3; rep++) {
		const t = process.hrtime.bigint();
		sum = fn() >>> 0;
		const s = Number(process.hrtime.bigint() - t) / 1e9;
		if (s < best) best = s;
	}
	console.log(`${name} ${sum} ${best.toFixed(6)}`);
}
