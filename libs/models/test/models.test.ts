import { isModelName, MODEL_NAMES, MODELS, modelInfo, UPSTREAM } from '../src';

describe('the model registry', () => {
  it('gives every model a unique label, app and port, none of them upstream’s', () => {
    for (const key of ['model', 'app', 'port'] as const) {
      const values = MODELS.map((m) => m[key]);
      expect(new Set(values).size).toBe(values.length);
    }
    expect(MODELS.map((m) => m.app)).not.toContain(UPSTREAM.app);
    expect(MODELS.map((m) => m.port)).not.toContain(UPSTREAM.port);
  });

  it('names each app after its model, as the contract does', () => {
    for (const m of MODELS) expect(m.app).toBe(`${m.model}-service`);
  });

  it('lists the labels in registry order and finds each row by its label', () => {
    expect(MODEL_NAMES).toEqual(MODELS.map((m) => m.model));
    for (const name of MODEL_NAMES) expect(modelInfo(name).model).toBe(name);
  });

  it('serves HTTP in worker processes exactly where the model is a node:cluster', () => {
    for (const m of MODELS) {
      expect([m.model, m.http]).toEqual([
        m.model,
        m.summary.includes('`node:cluster`') ? 'worker processes' : 'one process',
      ]);
    }
    expect(MODELS.filter((m) => m.http === 'worker processes').map((m) => m.model)).toEqual([
      'cluster',
      'hybrid',
    ]);
  });

  it('restarts what runs the work: pool threads, node:cluster processes, child processes', () => {
    // What a crash replaces (lab_worker_restarts_total{kind}): a pool's threads, a cluster's
    // worker processes, a pool's child processes. The contract suite reads them for where CPU
    // work runs.
    expect(MODELS.map((m) => [m.model, m.restarts])).toEqual([
      ['async', []],
      ['threads', ['thread']],
      ['cluster', ['process']],
      ['hybrid', ['process', 'thread']],
      ['procpool', ['process']],
    ]);
  });

  it('tells a model label from anything else', () => {
    expect(MODEL_NAMES.every(isModelName)).toBe(true);
    expect(isModelName('upstream')).toBe(false);
    expect(isModelName('Async')).toBe(false);
  });
});
