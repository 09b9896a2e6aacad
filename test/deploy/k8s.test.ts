import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { YAML } from './yaml-loader.ts';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  readinessProbe?: { grpc?: { port: number } };
  livenessProbe?: { grpc?: { port: number } };
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: { from?: unknown[]; ports?: { port: number }[] }[];
  egress?: unknown[];
}

const HERMES = ['gateway', 'authz', 'agent', 'scanner', 'approval', 'executor', 'audit'] as const;
const dir = new URL('../../deploy/k8s/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const objects: K8sObject[] = files.flatMap((f) =>
  YAML.parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((doc) => {
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      [],
      `${f} does not parse`,
    );
    return doc.toJS() as K8sObject;
  }),
);
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;

describe('deploy/k8s', () => {
  test('manifests parse and every service has a Deployment, a Service and a ServiceAccount', () => {
    assert.ok(files.length >= 8);
    for (const name of HERMES) {
      const dep = ofKind('Deployment').find((o) => o.metadata.name === name);
      assert.ok(dep, `no Deployment ${name}`);
      assert.ok(
        ofKind('Service').some((o) => o.metadata.name === name),
        `no Service ${name}`,
      );
      const sa = podSpec(dep).serviceAccountName;
      assert.ok(
        ofKind('ServiceAccount').some((o) => o.metadata.name === sa),
        `${name}: ServiceAccount ${sa} not defined`,
      );
      assert.deepEqual(podSpec(dep).containers[0]?.args, ['serve', name]);
    }
  });

  test('every Deployment and StatefulSet is non-root, read-only, caps dropped, no privilege escalation', () => {
    const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')];
    assert.ok(workloads.length >= HERMES.length);
    for (const w of workloads) {
      const pod = podSpec(w);
      for (const c of pod.containers) {
        const where = `${w.kind}/${w.metadata.name}/${c.name}`;
        const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        assert.equal(nonRoot, true, `${where}: runAsNonRoot`);
        assert.notEqual(pod.securityContext?.runAsUser, 0, `${where}: runs as uid 0`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}: capabilities.drop`);
        assert.equal(c.securityContext?.capabilities?.add, undefined, `${where}: adds capabilities`);
        assert.match(c.image, /:(v?\d+\.\d+[\w.-]*)$|@sha256:/, `${where}: image not pinned`);
      }
    }
  });

  test('Hermes services use native gRPC probes on their gRPC port, uid 10000', () => {
    for (const [i, name] of HERMES.entries()) {
      const dep = ofKind('Deployment').find((o) => o.metadata.name === name)!;
      const pod = podSpec(dep);
      const c = pod.containers[0]!;
      const grpcPort = 7400 + i;
      assert.equal(pod.securityContext?.runAsUser, 10000, `${name}: uid`);
      assert.equal(c.ports?.find((p) => p.name === 'grpc')?.containerPort, grpcPort, `${name}: grpc port`);
      assert.equal(c.readinessProbe?.grpc?.port, grpcPort, `${name}: readiness grpc probe`);
      assert.equal(c.livenessProbe?.grpc?.port, grpcPort, `${name}: liveness grpc probe`);
    }
  });

  test('NetworkPolicy: default deny both ways; only the gateway admits traffic from anywhere', () => {
    const policies = ofKind('NetworkPolicy').map((o) => ({
      name: o.metadata.name,
      spec: o.spec as unknown as NetworkPolicySpec,
    }));
    const deny = policies.find(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 && p.spec.ingress === undefined && p.spec.egress === undefined,
    );
    assert.ok(deny, 'no default-deny policy');
    assert.deepEqual([...(deny.spec.policyTypes ?? [])].sort(), ['Egress', 'Ingress']);

    const openIngress = policies.filter((p) => p.spec.ingress?.some((rule) => rule.from === undefined));
    assert.deepEqual(
      openIngress.map((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name']),
      ['gateway'],
    );
    // Open to anyone: the Agent API port only, never the operator plane (7400).
    const openPorts = openIngress.flatMap((p) =>
      (p.spec.ingress ?? []).filter((r) => r.from === undefined).flatMap((r) => (r.ports ?? []).map((x) => x.port)),
    );
    assert.deepEqual(openPorts, [8080]);

    // Executors may only talk to NATS (and DNS): no policy selecting them by name grants more.
    const execEgress = policies.filter(
      (p) => p.spec.egress !== undefined && JSON.stringify(p.spec.podSelector).includes('"executor"'),
    );
    assert.deepEqual(execEgress, [], 'executor has extra egress');
  });
});
