import { isSecurityEventType, type SecurityEvent, type SigningKeysChanged } from "../auth";

type Published = SecurityEvent | SigningKeysChanged;

/** What travels between instances; small and fixed-size, far under NOTIFY's 8000-byte limit. */
interface WireMessage {
  v: typeof WIRE_VERSION;
  /** The publishing process, so it can skip its own echo (it delivered locally already). */
  origin: string;
  type: Published["type"];
  /** Empty for SIGNING_KEYS_CHANGED, which concerns no account. */
  userId: string;
  sessionId: string | null;
  at: number;
}

const WIRE_VERSION = 1;
/** Ids are UUIDs; anything much longer is not ours. */
const MAX_ID_LENGTH = 64;

export interface ReceivedEvent {
  origin: string;
  event: Published;
}

export function encodeEvent(event: Published, origin: string): string {
  const account = event.type === "SIGNING_KEYS_CHANGED" ? { userId: "", sessionId: null } : { userId: event.userId, sessionId: event.sessionId };
  const message: WireMessage = { v: WIRE_VERSION, origin, type: event.type, ...account, at: event.at.getTime() };
  return JSON.stringify(message);
}

/** Null for anything that is not a well-formed message of this version (another writer, a newer release). */
export function decodeEvent(payload: string): ReceivedEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { v, origin, type, userId, sessionId, at } = parsed as Partial<Record<keyof WireMessage, unknown>>;
  if (v !== WIRE_VERSION || !isId(origin)) return null;
  if (type === "SIGNING_KEYS_CHANGED") {
    return typeof at === "number" && Number.isFinite(at) ? { origin, event: { type, at: new Date(at) } } : null;
  }
  if (!isSecurityEventType(type) || !isId(userId)) return null;
  if (!(sessionId === null || isId(sessionId)) || typeof at !== "number" || !Number.isFinite(at)) return null;
  return { origin, event: { type, userId, sessionId, at: new Date(at) } };
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
