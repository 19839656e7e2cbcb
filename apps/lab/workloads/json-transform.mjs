/**
 * An example workload for `lab --workload`: the JSON transform a typical API endpoint does —
 * parse a document, group and total it, serialize the answer. Pure CPU on the calling thread.
 *
 *   npm start -- --quick --workload apps/lab/workloads/json-transform.mjs
 */
export const describe = 'JSON transform: parse 1,500 orders, total them per customer, serialize';

/** A deterministic document of `count` orders, as the JSON text a request body would carry. */
function ordersDocument(seed, count) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const orders = Array.from({ length: count }, (_, i) => ({
    id: `order-${seed}-${i}`,
    customer: `customer-${Math.floor(next() * 40)}`,
    placedAt: new Date(1_700_000_000_000 + Math.floor(next() * 1e9)).toISOString(),
    lines: Array.from({ length: 1 + Math.floor(next() * 5) }, (_, j) => ({
      sku: `sku-${Math.floor(next() * 500)}`,
      quantity: 1 + Math.floor(next() * 4),
      unitPrice: Math.round(next() * 10_000) / 100,
      note: j % 2 ? 'gift wrap' : '',
    })),
  }));
  return JSON.stringify({ orders });
}

/** Four documents of 1,500 orders: the inputs the lab cycles through. */
export function inputs() {
  return [1, 2, 3, 4].map((seed) => ordersDocument(seed, 1500));
}

export function run(document) {
  const { orders } = JSON.parse(document);
  const totals = new Map();
  for (const order of orders) {
    const total = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    const entry = totals.get(order.customer) ?? { customer: order.customer, orders: 0, total: 0 };
    entry.orders += 1;
    entry.total = Math.round((entry.total + total) * 100) / 100;
    totals.set(order.customer, entry);
  }
  const ranked = [...totals.values()].sort((a, b) => b.total - a.total);
  const answer = JSON.stringify({ customers: ranked });
  return { customers: ranked.length, top: ranked[0]?.customer, bytes: answer.length };
}
