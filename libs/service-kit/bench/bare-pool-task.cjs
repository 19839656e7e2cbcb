// The pool anchors' task (bare-express.cts with BARE_POOL): what a hand-written piscina or
// tinypool task for the two CPU routes would be — the work and its result, with none of our
// pools' protocol (timings, trace context, answered errors, the counter).
const { applyFilter, decodePng, encodePng, fib } = require('@concurrency-lab/workloads');

module.exports = (task) =>
  'n' in task ? fib(task.n) : encodePng(applyFilter(decodePng(task.png), task.filter));
