// The secret backup blob reader (service/backup_blob.h): the blob's envelope as UploadSecretBlob
// receives it, and the JSON document sealed inside it. The input is read both ways (as a blob and
// as a document). Promises checked: an accepted envelope is in canonical form, and a document
// read and written again reads back to the same document.
#include <cstdint>
#include <string>

#include "crypto/encoding.h"
#include "fuzz_input.h"
#include "service/backup_blob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view key_id;
  std::string sealed;
  if (csms::SplitBackupBlob(text, &key_id, &sealed).ok()) {
    CSMS_FUZZ_CHECK(std::string(csms::kBackupBlobPrefix) + std::string(key_id) + "." +
                        csms::crypto::Base64UrlEncode(sealed) ==
                    text);
  }
  csms::BackupDocument doc;
  if (csms::ParseBackupDocument(text, "0123456789abcdef0123456789abcdef", &doc).ok()) {
    std::string written = csms::WriteBackupDocument(doc.secret, doc.versions, doc.stages, doc.tags);
    csms::BackupDocument again;
    CSMS_FUZZ_CHECK(csms::ParseBackupDocument(written, "0123456789abcdef0123456789abcdef", &again).ok());
    CSMS_FUZZ_CHECK(csms::WriteBackupDocument(again.secret, again.versions, again.stages, again.tags) == written);
  }
  return 0;
}
