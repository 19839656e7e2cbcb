/**
 * The typed, validating models of `kubernetes-models` and `@kubernetes-models/prometheus-operator`.
 * Both are ESM-only (their `exports` offer `import`, not `require`) and this project compiles to
 * CommonJS, so types come in with `import type` and the classes with `await import()` — a static
 * import would typecheck and then fail at run time (ERR_PACKAGE_PATH_NOT_EXPORTED).
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { TestRun } from './test-run';

export type { IConfigMap, IDeployment, INamespace, IService, IServiceMonitor };

/** Every kind of object the deploy project writes. */
export type Manifest = INamespace | IDeployment | IService | IConfigMap | IServiceMonitor | TestRun;

/** What `validate()` of a kubernetes-models class does with a value. */
export interface ModelInstance {
  validate(): void;
  toJSON(): unknown;
}

type ModelClass = new (data: never) => ModelInstance;

let loaded: Promise<Record<string, ModelClass>> | undefined;

/** The model class of each kind (not TestRun: no package models it; see test-run-schema.ts). */
export function modelClasses(): Promise<Record<string, ModelClass>> {
  loaded ??= Promise.all([
    import('kubernetes-models/v1/Namespace'),
    import('kubernetes-models/apps/v1/Deployment'),
    import('kubernetes-models/v1/Service'),
    import('kubernetes-models/v1/ConfigMap'),
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'),
  ]).then(([namespace, deployment, service, configMap, serviceMonitor]) => ({
    Namespace: namespace.Namespace,
    Deployment: deployment.Deployment,
    Service: service.Service,
    ConfigMap: configMap.ConfigMap,
    ServiceMonitor: serviceMonitor.ServiceMonitor,
  }));
  return loaded;
}

/** `Kind/name`, how problems and tests name an object. */
export function objectName(manifest: Pick<Manifest, 'kind' | 'metadata'>): string {
  return `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
}
