/** The labels every generated object carries, and the subset a selector uses. */
export const PART_OF = 'concurrency-lab';

/** What an object is part of the lab as (`app.kubernetes.io/component`). */
export type Component = 'model' | 'upstream' | 'collector' | 'tracing' | 'load' | 'dashboards';

/**
 * The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels).
 */
export function labelsOf(name: string, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
  };
}

/** What a Deployment, its Service and a ServiceMonitor select the pods of `name` by. */
export function selectorOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}
