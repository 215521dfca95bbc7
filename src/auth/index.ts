export { AccessTokenService } from "./access-tokens";
export type { AccessTokenClaims, AccessTokenSettings } from "./access-tokens";
export { ACCESS_TOKEN_TYPE, readTokenHeader, SIGNING_ALGORITHMS, verifyAccessToken } from "./access-token-verification";
export type { ClaimsPolicy, SigningAlgorithm, VerificationKey } from "./access-token-verification";
export { keyReloadIntervalMs, keyTiming } from "./create-signing-keys";
export type { KeyLifetimes, SigningKeySettings } from "./create-signing-keys";
export { KeyCipher } from "./key-cipher";
export { algorithmOfKey, generateSigningKey, jwkThumbprint, publicJwkOf } from "./key-material";
export type { AsymmetricAlgorithm, PublicJwk, SigningKeyPair } from "./key-material";
export { KeyRing } from "./key-ring";
export type { JwksDocument, KeyRingSnapshot, Signer } from "./key-ring";
export { SIGNING_KEY_STATES } from "./signing-key-records";
export type { KeyChange, KeyTransition, SigningKeyRecord, SigningKeyState, SigningKeyStore } from "./signing-key-records";
export type { KeyActor, SigningKeys, SigningKeyView } from "./signing-keys";
export { fileKeySnapshot, secretKeySnapshot } from "./static-keys";
export type { CredentialsInput, SignupInput } from "./account-service";
export { ACCOUNT_TOKEN_PURPOSES } from "./account-token-records";
export type { AccountTokenPurpose, AccountTokenRecord, AccountTokenStore, NewAccountToken, Redemption, TokenEffect } from "./account-token-records";
export { MAIL_KINDS } from "./mail";
export type { MailFacts, MailKind, MailQueue, MailSender, OutgoingMail, QueuedMail, RenderedMail } from "./mail";
export { SIGNUP_MODES } from "./mailed-tokens";
export type { AccountSettings, SignupMode } from "./mailed-tokens";
export type { EmailChangeInput } from "./email-service";
export type { ResetPasswordInput } from "./password-reset-service";
export { Argon2Hasher, OWASP_ARGON2_PARAMS } from "./argon2-hasher";
export { ConcurrencyLimit } from "./concurrency-limit";
export type { Argon2Params } from "./argon2-hasher";
export { fixedClock, systemClock } from "./clock";
export type { Clock } from "./clock";
export { createAuth } from "./create-auth";
export type { Auth, AuthMaintenance, AuthOptions } from "./create-auth";
export { normalizeEmail, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./credentials";
export type { AuthLogger, SessionPolicy } from "./deps";
export {
  ambiguousRefreshCookie,
  AUTH_ERROR_CODES,
  AuthError,
  FORBIDDEN_REASONS,
  forbidden,
  INVALID_TOKEN_REASONS,
  invalidToken,
  isAuthError,
  mailNotConfigured,
  SERVICE_UNAVAILABLE_REASONS,
  isUnauthenticatedReason,
  lastAdmin,
  REFRESH_TOKEN_REASONS,
  refreshTokenMissing,
  serviceUnavailable,
  SIGNING_KEY_REASONS,
  signingKeyRefused,
  UNAUTHENTICATED_REASONS,
  unauthenticated,
} from "./errors";
export type {
  AuthErrorCode,
  AuthErrorReason,
  ForbiddenReason,
  InvalidTokenReason,
  RefreshTokenReason,
  ServiceUnavailableReason,
  SigningKeyReason,
  UnauthenticatedReason,
} from "./errors";
export { isUuid } from "./ids";
export type * from "./ports";
export { NEW_USER_CREDENTIAL_VERSION, RATE_BUCKETS } from "./ports";
export { generateRefreshToken, hashRefreshToken } from "./refresh-token-codec";
export type { RandomBytes } from "./refresh-token-codec";
export type { ChangePasswordInput } from "./password-service";
export type { SessionView } from "./session-service";
export { isSecurityEventType, SECURITY_EVENT_TYPES } from "./security-events";
export type {
  ResyncSignal,
  SecurityEvent,
  SecurityEventBus,
  SecurityEventListener,
  SecurityEventSource,
  SecurityEventType,
  SecurityMessage,
  SigningKeysChanged,
} from "./security-events";
export { isSessionLive } from "./session-liveness";
export type { RetentionPolicy, RetentionReport } from "./retention-service";
export { clientNetworkKey, normalizeClientIp, DEFAULT_IPV6_PREFIX_LENGTH } from "./client-network";
export { MAX_PAGE_SIZE } from "./user-admin-service";
export { AUDIT_EVENT_TYPES, ROLES, roleSatisfies } from "./types";
export type * from "./types";
export type { Authentication, AuthState } from "./viewer-resolver";
