// The format of a secret backup blob (service/secret_backup.h), without keys or storage:
//
//   CSMSBackupV1.<master key id>.<Base64url(nonce | ciphertext | tag)>
//
// and the JSON document sealed inside it. Pure functions, so the backup service and the fuzz
// target of the blob reader run the same code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/secret.h"
#include "domain/tag.h"

namespace csms {

inline constexpr std::string_view kBackupBlobPrefix = "CSMSBackupV1.";

struct BackupVersion {
  SecretVersion version;  // without sealed bytes
  std::string value;      // plaintext
};

// What a blob restores: the secret whole.
struct BackupDocument {
  Secret secret;
  std::vector<BackupVersion> versions;
  std::vector<Stage> stages;
  std::vector<Tag> tags;
};

// The associated data of the seal: binds a blob to its format, its master key and the project it
// was made in.
std::string BackupBlobAad(std::string_view key_id, const std::string& project_id);

// CSMS.0002 naming secret_blob, one message for every way a blob can be wrong.
Status InvalidBackupBlob();

// The document sealed in a blob.
std::string WriteBackupDocument(const Secret& s, const std::vector<BackupVersion>& versions,
                                const std::vector<Stage>& stages, const std::vector<Tag>& tags);

// Reads the sealed document. It was authenticated, so it is ours; the checks only keep a bug or a
// blob of a future format from storing a broken secret.
Status ParseBackupDocument(std::string_view text, const std::string& project_id, BackupDocument* out);

// Splits a blob into its key id and sealed bytes. The encoding must be the canonical one, so
// every changed character of the blob is refused, not only those that change the decoded bytes.
Status SplitBackupBlob(std::string_view blob, std::string_view* key_id, std::string* sealed);

}  // namespace csms
