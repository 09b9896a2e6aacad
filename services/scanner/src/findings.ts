import { create } from '@bufbuild/protobuf';
import { commonv1 } from '@hermes/proto';
import type { Finding } from '@hermes/security';

const severity: Record<Finding['severity'], commonv1.Severity> = {
  info: commonv1.Severity.INFO,
  low: commonv1.Severity.LOW,
  medium: commonv1.Severity.MEDIUM,
  high: commonv1.Severity.HIGH,
  critical: commonv1.Severity.CRITICAL,
};

const source: Record<Finding['source'], commonv1.FindingSource> = {
  pattern: commonv1.FindingSource.PATTERN,
  tirith: commonv1.FindingSource.TIRITH,
  hardline: commonv1.FindingSource.HARDLINE,
  analysis: commonv1.FindingSource.ANALYSIS,
};

/** Security-core finding → wire finding. Evidence is redacted by the caller before it leaves. */
export function toProtoFinding(f: Finding, redact: (s: string) => string, external = false): commonv1.Finding {
  return create(commonv1.FindingSchema, {
    rule: f.rule,
    severity: severity[f.severity],
    source: external ? commonv1.FindingSource.EXTERNAL_TIRITH : source[f.source],
    title: f.title,
    description: f.description,
    evidence: redact(f.evidence),
    saferAlternative: f.safer ?? '',
    key: f.key,
  });
}

/** Context-file finding ids (Hermes's ids, e.g. `prompt_injection`) as wire findings. */
export function contextFinding(id: string): commonv1.Finding {
  return create(commonv1.FindingSchema, {
    rule: id,
    severity: commonv1.Severity.HIGH,
    source: commonv1.FindingSource.PATTERN,
    title: 'Prompt injection in a context file',
    description: `context file matched ${id}`,
    key: `context:${id}`,
  });
}

/** The external scanner was wanted, could not answer, and `security.tirith_fail_open` is false. */
export function externalTirithFinding(reason: string): commonv1.Finding {
  return create(commonv1.FindingSchema, {
    rule: 'tirith_unavailable',
    severity: commonv1.Severity.CRITICAL,
    source: commonv1.FindingSource.EXTERNAL_TIRITH,
    title: 'External Tirith scanner unavailable',
    description: `tirith could not check the command (${reason}) and security.tirith_fail_open is false`,
    key: 'tirith:unavailable',
  });
}
