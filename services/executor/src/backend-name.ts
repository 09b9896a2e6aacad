// The executor's backend names are config's `terminal.backend` values; the wire uses hermes.common.v1.Backend.
import { TERMINAL_BACKENDS, type TerminalBackend } from '@hermes/config';
import { commonv1 } from '@hermes/proto';

const TO_PROTO: Record<TerminalBackend, commonv1.Backend> = {
  local: commonv1.Backend.LOCAL,
  docker: commonv1.Backend.DOCKER,
  ssh: commonv1.Backend.SSH,
  singularity: commonv1.Backend.SINGULARITY,
  modal: commonv1.Backend.MODAL,
  daytona: commonv1.Backend.DAYTONA,
  'vercel-sandbox': commonv1.Backend.VERCEL_SANDBOX,
};

export function backendToProto(name: TerminalBackend): commonv1.Backend {
  return TO_PROTO[name];
}

export function backendFromProto(value: commonv1.Backend): TerminalBackend | undefined {
  for (const name of TERMINAL_BACKENDS) if (TO_PROTO[name] === value) return name;
  return undefined;
}

export function isTerminalBackend(name: string): name is TerminalBackend {
  return (TERMINAL_BACKENDS as readonly string[]).includes(name);
}
