// Task module for the benchmark, loaded by our executors and by bare piscina and tinypool alike
// (each looks up an export by name).
const { transfer } = require('../dist/worker.js');

exports.noop = () => null;
exports.echo = (payload) => payload;
exports.echoTransfer = (bytes) => transfer(bytes, [bytes.buffer]);
/** map's item function: the same no-op, one item per call. */
exports.identity = (item) => item;
