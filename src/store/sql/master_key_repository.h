// MasterKey repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/master_key_repository.h"

namespace csms::sql {

template <typename D>
class MasterKeyRepositoryOn final : public MasterKeyRepository {
 public:
  explicit MasterKeyRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status ListVersions(std::vector<MasterKeyVersion>* out) override;
  Status InsertVersion(const MasterKeyVersion& v) override;
  Status SetVersionState(int64_t version, const std::string& state, std::optional<int64_t> retire_time) override;
  Status GetRewrap(RewrapState* out) override;
  Status PutRewrap(const RewrapState& state) override;
  Status ListSealed(SealedKind kind, const RewrapState& from, const std::string& kms_key_id, int limit,
                    std::vector<SealedRow>* out) override;
  Status ReplaceSealed(SealedKind kind, const SealedRow& row, const std::string& new_sealed, bool* updated) override;
  Status CountSealed(SealedKind kind, const std::string& kms_key_id, int64_t* out) override;
  Status ReplaceKeyCheck(const std::string& alias, const std::string& sealed) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
