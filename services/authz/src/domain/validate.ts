import { authzv1 } from '@hermes/proto';
import { InvalidInputError } from '../errors.ts';
import { INPUT_LIMITS } from './limits.ts';
import { CHECKABLE_PLATFORMS, PAIRING_PLATFORMS, type PlatformValue } from './platforms.ts';

/*
 * Issue #5 "Bad input": unknown platform, empty or 10 kB user ids, control characters, SQL-looking
 * strings, malformed codes → a clear INVALID_ARGUMENT, nothing stored. Messages name the field and
 * the rule, never the value (it may be a code, or attacker-chosen text headed for a log).
 */

/**
 * Platform user ids: Telegram/Discord numbers (group chats may be negative), Slack `U01ABC123`,
 * WhatsApp JIDs `15551234567@s.whatsapp.net` / `…@lid`, Signal `+15551234567` or UUIDs. Nothing
 * else is needed, so quotes, semicolons, spaces, slashes and every control or format character
 * are refused at the door.
 */
const USER_ID = /^[A-Za-z0-9@._+:=-]+$/;

/** Cc (controls), Cf (format: zero-width, bidi overrides), Zl/Zp (line/paragraph separators). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function validatePlatformIn(platform: number, allowed: readonly PlatformValue[], what: string): PlatformValue {
  if (!allowed.includes(platform as PlatformValue)) {
    throw new InvalidInputError('platform', `must be one of ${what}`);
  }
  return platform as PlatformValue;
}

const CHECKABLE_NAMES = 'telegram, discord, slack, whatsapp, signal, api, cli';
const PAIRING_NAMES = 'telegram, discord, slack, whatsapp, signal';

export function validateCheckPlatform(platform: number): PlatformValue {
  return validatePlatformIn(platform, CHECKABLE_PLATFORMS, CHECKABLE_NAMES);
}

/** DM pairing exists for the chat platforms only. */
export function validatePairingPlatform(platform: number): PlatformValue {
  return validatePlatformIn(platform, PAIRING_PLATFORMS, PAIRING_NAMES);
}

/** `List`/`ClearPending`: unset means every platform. */
export function validateOptionalPairingPlatform(platform: number): PlatformValue | undefined {
  return platform === 0 ? undefined : validatePairingPlatform(platform);
}

export function validateUserId(userId: string): string {
  if (userId.length === 0) throw new InvalidInputError('user_id', 'is required');
  if (userId.length > INPUT_LIMITS.userIdMaxLength) {
    throw new InvalidInputError('user_id', `is longer than ${INPUT_LIMITS.userIdMaxLength} characters`);
  }
  if (!USER_ID.test(userId)) {
    throw new InvalidInputError('user_id', 'may contain only letters, digits and @ . _ + : = -');
  }
  return userId;
}

/** Display names are free text chosen by the user: printable only, bounded, trimmed. */
export function validateDisplayName(name: string): string {
  if (name.length > INPUT_LIMITS.displayNameMaxLength * 4 || [...name].length > INPUT_LIMITS.displayNameMaxLength) {
    throw new InvalidInputError('display_name', `is longer than ${INPUT_LIMITS.displayNameMaxLength} characters`);
  }
  if (UNPRINTABLE.test(name)) throw new InvalidInputError('display_name', 'may not contain control characters');
  return name.trim();
}

const CHAT_TYPES = new Set<number>(Object.values(authzv1.ChatType).filter((v): v is number => typeof v === 'number'));

export function validateChatType(chatType: number): authzv1.ChatType {
  if (!CHAT_TYPES.has(chatType)) throw new InvalidInputError('chat_type', 'is not a known chat type');
  return chatType as authzv1.ChatType;
}
