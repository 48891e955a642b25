// The table of CSMS error codes: every error a client can see is built here, so the codes live in
// one place (mirrored in docs/errors.md). No other file spells a "CSMS.x" code: layers below the API
// that have no code of their own (net/) return Status::Failure and their callers map it here. Codes up to CSMS.0401 are
// Huawei's documented ones; the CSMS.06xx (events), CSMS.07xx (records), CSMS.08xx (secrets), CSMS.09xx (grants) and
// CSMS.03xx additions are ours, for cases the public table does not cover.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace csms::errors {

using K = Status::Kind;

// Generic request errors.
inline Status Internal(std::string msg) { return {K::kInternal, "CSMS.0001", std::move(msg)}; }
inline Status InvalidParameter(std::string msg) { return {K::kInvalidArgument, "CSMS.0002", std::move(msg)}; }
inline Status InvalidRequest(std::string msg) { return {K::kInvalidArgument, "CSMS.0003", std::move(msg)}; }
inline Status RouteNotFound(std::string msg) { return {K::kNotFound, "CSMS.0003", std::move(msg)}; }
inline Status MethodNotAllowed(std::string msg) { return {K::kMethodNotAllowed, "CSMS.0003", std::move(msg)}; }
inline Status MalformedBody(std::string msg) { return {K::kInvalidArgument, "CSMS.0004", std::move(msg)}; }
inline Status BodyTooLarge(std::string msg) { return {K::kPayloadTooLarge, "CSMS.0004", std::move(msg)}; }
inline Status ResourceNotFound(std::string msg) { return {K::kNotFound, "CSMS.0005", std::move(msg)}; }
inline Status EventNotFound(const std::string& name) { return ResourceNotFound("event " + name + " does not exist"); }
inline Status NameTaken(std::string msg) { return {K::kConflict, "CSMS.0009", std::move(msg)}; }
inline Status Unavailable(std::string msg) { return {K::kUnavailable, "CSMS.0010", std::move(msg)}; }

// Authentication and authorization.
inline Status InvalidToken(std::string msg) { return {K::kUnauthenticated, "CSMS.0301", std::move(msg)}; }
inline Status ProjectMismatch(std::string msg) { return {K::kPermissionDenied, "CSMS.0302", std::move(msg)}; }
inline Status ActionDenied(std::string msg) { return {K::kPermissionDenied, "CSMS.0303", std::move(msg)}; }
inline Status InvalidSignature(std::string msg) { return {K::kUnauthenticated, "CSMS.0304", std::move(msg)}; }
inline Status BadCredentials(std::string msg) { return {K::kUnauthenticated, "CSMS.0305", std::move(msg)}; }
// AK/SK signatures (auth/signature_authenticator.h): one code per reason, all 401.
inline Status MalformedAuthorization(std::string msg) { return {K::kUnauthenticated, "CSMS.0306", std::move(msg)}; }
inline Status UnknownAccessKey(std::string msg) { return {K::kUnauthenticated, "CSMS.0307", std::move(msg)}; }
inline Status AccessKeyRevoked(std::string msg) { return {K::kUnauthenticated, "CSMS.0308", std::move(msg)}; }
inline Status AccessKeyExpired(std::string msg) { return {K::kUnauthenticated, "CSMS.0309", std::move(msg)}; }
inline Status InvalidSdkDate(std::string msg) { return {K::kUnauthenticated, "CSMS.0310", std::move(msg)}; }
inline Status RequestTimeSkewed(std::string msg) { return {K::kUnauthenticated, "CSMS.0311", std::move(msg)}; }
inline Status InvalidSecurityToken(std::string msg) { return {K::kUnauthenticated, "CSMS.0312", std::move(msg)}; }
// UpdateUserPassword: the old password is wrong (400, not 401: the request itself is authenticated),
// or the new one breaks the password policy (domain/password_policy.h).
inline Status WrongOldPassword(std::string msg) { return {K::kInvalidArgument, "CSMS.0313", std::move(msg)}; }
inline Status WeakPassword(std::string msg) { return {K::kInvalidArgument, "CSMS.0314", std::move(msg)}; }
// Brute-force limits (auth/attempt_limiter.h): too many failed password checks or signatures for a
// user, access key or source address; 429 with Retry-After (the public table has no throttling code).
inline Status TooManyAttempts(std::string msg) { return {K::kTooManyRequests, "CSMS.0315", std::move(msg)}; }

// The audit log (audit/audit_log.h) cannot be written: the request is refused (503, Retry-After).
inline Status AuditWriteFailed(std::string msg) { return {K::kUnavailable, "CSMS.0010", std::move(msg)}; }

// Events.
inline Status EventNameExists(std::string msg) { return {K::kConflict, "CSMS.0601", std::move(msg)}; }
inline Status EventQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0602", std::move(msg)}; }
inline Status EventInUse(std::string msg) { return {K::kConflict, "CSMS.0603", std::move(msg)}; }
inline Status NotAWebhookEvent(std::string msg) { return {K::kFailedPrecondition, "CSMS.0604", std::move(msg)}; }

// Secrets, versions, stages (documented codes first, then csms's CSMS.08xx additions).
inline Status SecretNotFound(std::string msg) { return {K::kNotFound, "CSMS.0106", std::move(msg)}; }
inline Status SecretPendingDelete(std::string msg) { return {K::kFailedPrecondition, "CSMS.0103", std::move(msg)}; }
inline Status BuiltinStage(std::string msg) { return {K::kInvalidArgument, "CSMS.0105", std::move(msg)}; }
inline Status AlreadyScheduled(std::string msg) { return {K::kFailedPrecondition, "CSMS.0107", std::move(msg)}; }
inline Status NotScheduled(std::string msg) { return {K::kFailedPrecondition, "CSMS.0108", std::move(msg)}; }
inline Status SecretNotEnabled(std::string msg) { return {K::kPermissionDenied, "CSMS.0109", std::move(msg)}; }
inline Status SecretQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0202", std::move(msg)}; }
inline Status StageQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0203", std::move(msg)}; }
inline Status StagesExceedQuota(std::string msg) { return {K::kInvalidArgument, "CSMS.0204", std::move(msg)}; }
inline Status KmsKeyUnusable(std::string msg) { return {K::kInvalidArgument, "CSMS.0401", std::move(msg)}; }
// A stored value that its master key cannot open: corrupted data or a wrong key file, never the
// caller's mistake, hence 500 (with the code Huawei uses for KMS decryption failures).
inline Status StoredValueUndecryptable(std::string msg) { return {K::kInternal, "CSMS.0401", std::move(msg)}; }
inline Status SecretNameExists(std::string msg) { return {K::kConflict, "CSMS.0801", std::move(msg)}; }
inline Status VersionQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0802", std::move(msg)}; }
inline Status RotationUnsupported(std::string msg) { return {K::kFailedPrecondition, "CSMS.0803", std::move(msg)}; }
inline Status SubscribedEventMissing(std::string msg) { return {K::kInvalidArgument, "CSMS.0804", std::move(msg)}; }
inline Status InvalidTaskMarker(std::string msg) { return {K::kInvalidArgument, "CSMS.0805", std::move(msg)}; }
// A rotation function failed, timed out or answered badly (a failed task's task_error_code).
inline Status RotationFunctionFailed(std::string msg) { return {K::kFailedPrecondition, "CSMS.0806", std::move(msg)}; }

// Agencies and function templates (ours: the public table has no code for them).
// Rotating an RDS-FG / GaussDB-FG secret in a domain without an agency for its type.
// A database rotation (RDS-FG / GaussDB-FG) failed: connection, password change or test login.
inline Status DatabaseRotationFailed(std::string msg) { return {K::kFailedPrecondition, "CSMS.0807", std::move(msg)}; }
inline Status AgencyNotGranted(std::string msg) { return {K::kFailedPrecondition, "CSMS.0901", std::move(msg)}; }
// Tags and backups (ours: the public table has no codes for them).
inline Status TagQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0205", std::move(msg)}; }
inline Status BackupTooLarge(std::string msg) { return {K::kFailedPrecondition, "CSMS.0902", std::move(msg)}; }
// Grants.
inline Status GrantExists(std::string msg) { return {K::kConflict, "CSMS.0903", std::move(msg)}; }
inline Status GrantQuotaReached(std::string msg) { return {K::kFailedPrecondition, "CSMS.0904", std::move(msg)}; }

// Notification records.
inline Status InvalidRecordMarker(std::string msg) { return {K::kInvalidArgument, "CSMS.0701", std::move(msg)}; }

}  // namespace csms::errors
