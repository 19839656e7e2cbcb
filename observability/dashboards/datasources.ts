import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The datasources every panel refers to, by the fixed uids that
 * grafana/provisioning/datasources/datasources.yaml gives them. Fixed uids keep the committed
 * dashboards portable: Grafana would otherwise mint a random uid per install.
 */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
export const JAEGER: DataSourceRef = { type: 'jaeger', uid: 'jaeger' };
