import { type Platform as ConfigPlatform, PLATFORMS } from '@hermes/config';
import { commonv1 } from '@hermes/proto';

/** The proto's closed set of platforms, by enum value. */
export type PlatformValue = commonv1.Platform;

const P = commonv1.Platform;

/** Config key (`gateway.platforms.<key>`) of each chat platform; API and CLI have no per-platform settings. */
const CONFIG_KEY: ReadonlyMap<PlatformValue, ConfigPlatform> = new Map<PlatformValue, ConfigPlatform>([
  [P.TELEGRAM, 'telegram'],
  [P.DISCORD, 'discord'],
  [P.SLACK, 'slack'],
  [P.WHATSAPP, 'whatsapp'],
  [P.SIGNAL, 'signal'],
]);

/** Every platform `Check` accepts: the five chat platforms plus the Agent API and the CLI. */
export const CHECKABLE_PLATFORMS: readonly PlatformValue[] = [...CONFIG_KEY.keys(), P.API, P.CLI];

/** Platforms that issue DM pairing codes (seed: "Telegram, Discord, Slack, WhatsApp, or Signal"). */
export const PAIRING_PLATFORMS: readonly PlatformValue[] = [...CONFIG_KEY.keys()];

export function configKeyOf(platform: PlatformValue): ConfigPlatform | undefined {
  return CONFIG_KEY.get(platform);
}

/** Stable lower-case name used in storage, metrics, audit and the CLI (`telegram`, `api`, …). */
export function platformName(platform: PlatformValue): string {
  return (P[platform] ?? 'UNSPECIFIED').toLowerCase();
}

/** Parses a CLI/storage name back to the enum; undefined for anything outside the closed set. */
export function parsePlatform(name: string): PlatformValue | undefined {
  const key = name.trim().toUpperCase();
  if (key === 'UNSPECIFIED' || !/^[A-Z]+$/.test(key)) return undefined;
  const value = (P as unknown as Record<string, number | undefined>)[key];
  return typeof value === 'number' ? (value as PlatformValue) : undefined;
}

// Compile-time guard: every config platform has an enum value.
const _allMapped: readonly ConfigPlatform[] = PLATFORMS;
void _allMapped;
