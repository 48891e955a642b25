#include "crypto/pkcs11_provider.h"

#include <dlfcn.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace csms::crypto {
namespace {

std::string RvName(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
      return "CKR_PIN_INCORRECT (wrong PIN)";
    case CKR_PIN_LOCKED:
      return "CKR_PIN_LOCKED";
    case CKR_TOKEN_NOT_PRESENT:
      return "CKR_TOKEN_NOT_PRESENT";
    case CKR_DEVICE_REMOVED:
      return "CKR_DEVICE_REMOVED";
    case CKR_MECHANISM_INVALID:
      return "CKR_MECHANISM_INVALID (the token has no AES-GCM)";
    case CKR_USER_NOT_LOGGED_IN:
      return "CKR_USER_NOT_LOGGED_IN";
    default: {
      std::ostringstream s;
      s << "CKR 0x" << std::hex << rv;
      return s.str();
    }
  }
}

// One loaded module, never unloaded (providers live until exit). Every path naming the same
// library (a symlink, another spelling) shares this one: dlopen gives them one handle and the
// library one state, so "in use" must be one flag.
struct Module {
  void* handle = nullptr;
  CK_FUNCTION_LIST_PTR f = nullptr;
  bool initialized = false;
  bool in_use = false;  // a session was opened on it: it must never be initialised again
};

// Guards the modules and every look for a token (OpenToken), which may initialise one again.
std::mutex& ModulesMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

// Called with ModulesMutex() held.
Status Initialize(Module& m, const std::string& path) {
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = m.f->C_Initialize(&args);
  m.initialized = rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED;
  if (!m.initialized) return errors::Internal("C_Initialize of PKCS#11 module " + path + " failed: " + RvName(rv));
  return Status::OK();
}

// Called with ModulesMutex() held. A module whose initialisation failed is initialised again.
Status LoadModule(const std::string& path, Module** out) {
  static auto* by_handle = new std::map<void*, Module>();
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = ::dlerror();
    return errors::Internal("cannot load PKCS#11 module " + path + ": " + (e ? e : "dlopen failed"));
  }
  Module& m = (*by_handle)[handle];
  if (m.handle != nullptr) {
    ::dlclose(handle);  // the reference taken above; the first one keeps it loaded
  } else {
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST_PTR f = nullptr;
    if (!get_list || get_list(&f) != CKR_OK || !f) {
      by_handle->erase(handle);
      ::dlclose(handle);
      return errors::Internal(path + " is not a PKCS#11 module (no C_GetFunctionList)");
    }
    m.handle = handle;
    m.f = f;
  }
  if (!m.initialized) CSMS_RETURN_IF_ERROR(Initialize(m, path));
  *out = &m;
  return Status::OK();
}

std::string Trimmed(const unsigned char* padded, size_t n) {
  std::string s(reinterpret_cast<const char*>(padded), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

Status ReadPin(const std::string& path, std::string* pin) {
  std::ifstream in(path);
  if (!in) return errors::Internal("cannot read the PKCS#11 PIN file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  *pin = ss.str();
  while (!pin->empty() && (pin->back() == '\n' || pin->back() == '\r')) pin->pop_back();
  if (pin->empty()) return errors::Internal("the PKCS#11 PIN file " + path + " is empty");
  return Status::OK();
}

// The slot of the token labelled `label`, if the module lists it.
bool FindSlot(CK_FUNCTION_LIST_PTR f, const std::string& label, CK_SLOT_ID* slot, CK_RV* rv) {
  CK_ULONG count = 0;
  *rv = f->C_GetSlotList(CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  if (*rv == CKR_OK && count > 0) *rv = f->C_GetSlotList(CK_TRUE, slots.data(), &count);
  if (*rv != CKR_OK) return false;
  slots.resize(count);
  for (CK_SLOT_ID s : slots) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(s, &info) == CKR_OK && Trimmed(info.label, sizeof(info.label)) == label) {
      *slot = s;
      return true;
    }
  }
  return false;
}

// The token's slot, a logged-in first session (login is per application: every later session shares it).
Status OpenToken(const Pkcs11Config& c, Module** module, CK_SLOT_ID* slot, CK_SESSION_HANDLE* session) {
  if (c.module.empty() || c.token.empty() || c.key.empty() || c.pin_file.empty()) {
    return errors::InvalidParameter("PKCS#11 needs a module, a token label, a key label and a PIN file");
  }
  std::string pin;
  CSMS_RETURN_IF_ERROR(ReadPin(c.pin_file, &pin));
  std::lock_guard lock(ModulesMutex());
  CSMS_RETURN_IF_ERROR(LoadModule(c.module, module));
  CK_FUNCTION_LIST_PTR f = (*module)->f;
  CK_RV rv = CKR_OK;
  // SoftHSM reads its tokens' files once, at C_Initialize, and leaves out a token whose files
  // another process was rewriting at that instant (every login rewrites them), for the life of the
  // process. So while nothing of this process uses the module, a token not found is looked for
  // again after initialising the module anew: a few times, 20-80 ms apart.
  constexpr int kLooks = 5;
  for (int look = 1; !FindSlot(f, c.token, slot, &rv); ++look) {
    if (rv != CKR_OK) return errors::Internal("C_GetSlotList failed: " + RvName(rv));
    if (look == kLooks || (*module)->in_use) {
      return errors::Internal("no PKCS#11 token labelled \"" + c.token + "\" in module " + c.module +
                              ((*module)->in_use ? " (the module is in use in this process since before the token "
                                                   "was there: a restart looks again)"
                                                 : ""));
    }
    f->C_Finalize(nullptr);
    (*module)->initialized = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * look));
    CSMS_RETURN_IF_ERROR(Initialize(**module, c.module));
  }
  rv = f->C_OpenSession(*slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, session);
  if (rv != CKR_OK) return errors::Internal("C_OpenSession on token " + c.token + " failed: " + RvName(rv));
  (*module)->in_use = true;
  rv = f->C_Login(*session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    f->C_CloseSession(*session);
    return errors::Internal("login to PKCS#11 token " + c.token + " failed: " + RvName(rv));
  }
  return Status::OK();
}

Status FindKey(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE session, const std::string& label,
               std::vector<CK_OBJECT_HANDLE>* found) {
  CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
  std::string l = label;
  CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}, {CKA_LABEL, l.data(), l.size()}};
  CK_RV rv = f->C_FindObjectsInit(session, tmpl, 2);
  if (rv != CKR_OK) return errors::Internal("C_FindObjectsInit failed: " + RvName(rv));
  CK_OBJECT_HANDLE handles[4];
  CK_ULONG n = 0;
  rv = f->C_FindObjects(session, handles, 4, &n);
  f->C_FindObjectsFinal(session);
  if (rv != CKR_OK) return errors::Internal("C_FindObjects failed: " + RvName(rv));
  found->assign(handles, handles + n);
  return Status::OK();
}

class Pkcs11Provider final : public KeyProvider {
 public:
  Pkcs11Provider(Pkcs11Config config, Module* module, CK_SLOT_ID slot, CK_OBJECT_HANDLE key)
      : config_(std::move(config)), f_(module->f), slot_(slot), key_(key) {}
  ~Pkcs11Provider() override {
    for (CK_SESSION_HANDLE s : free_) f_->C_CloseSession(s);
  }

  // The first session (logged in) joins the pool.
  void Adopt(CK_SESSION_HANDLE s) { free_.push_back(s); }

  std::string Seal(std::string_view plaintext, std::string_view aad) const override {
    std::string iv = RandomBytes(kAeadNonceSize);
    std::string out;
    if (!Crypt(true, iv, plaintext, aad, &out)) return std::string();
    return iv + out;
  }

  bool Open(std::string_view sealed, std::string_view aad, std::string* plaintext) const override {
    if (sealed.size() < kAeadNonceSize + kAeadTagSize) return false;
    return Crypt(false, sealed.substr(0, kAeadNonceSize), sealed.substr(kAeadNonceSize), aad, plaintext);
  }

  std::string Fingerprint() const override { return fingerprint_; }
  std::string Describe() const override { return "pkcs11 token \"" + config_.token + "\" key \"" + config_.key + "\""; }

  // A key check value: the fixed all-zero IV is used for nothing else (every seal draws a random IV).
  Status ComputeFingerprint() {
    std::string kcv;
    if (!Crypt(true, std::string(kAeadNonceSize, '\0'), std::string(32, '\0'), "csms kms key id v1", &kcv)) {
      return errors::Internal("the PKCS#11 key " + config_.key + " cannot encrypt with CKM_AES_GCM");
    }
    auto digest = Sha256(kcv);
    fingerprint_ = UuidShape(std::string_view(reinterpret_cast<const char*>(digest.data()), 16));
    return Status::OK();
  }

 private:
  CK_SESSION_HANDLE Acquire() const {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        CK_SESSION_HANDLE s = free_.back();
        free_.pop_back();
        return s;
      }
    }
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    if (f_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &s) != CKR_OK) return CK_INVALID_HANDLE;
    return s;
  }
  void Release(CK_SESSION_HANDLE s, bool healthy) const {
    if (!healthy) {
      f_->C_CloseSession(s);
      return;
    }
    std::lock_guard lock(mu_);
    free_.push_back(s);
  }

  // One C_EncryptInit/C_Encrypt (or Decrypt) on a pooled session. A failed operation ends the
  // operation per PKCS#11, so the session stays usable unless the device failed.
  bool Crypt(bool encrypt, std::string_view iv, std::string_view in, std::string_view aad, std::string* out) const {
    CK_SESSION_HANDLE s = Acquire();
    if (s == CK_INVALID_HANDLE) return false;
    std::string iv_copy(iv), aad_copy(aad), in_copy(in);
    CK_GCM_PARAMS params{};
    params.pIv = reinterpret_cast<CK_BYTE_PTR>(iv_copy.data());
    params.ulIvLen = iv_copy.size();
    params.ulIvBits = iv_copy.size() * 8;
    params.pAAD = reinterpret_cast<CK_BYTE_PTR>(aad_copy.data());
    params.ulAADLen = aad_copy.size();
    params.ulTagBits = kAeadTagSize * 8;
    CK_MECHANISM mech{CKM_AES_GCM, &params, sizeof(params)};
    CK_RV rv = encrypt ? f_->C_EncryptInit(s, &mech, key_) : f_->C_DecryptInit(s, &mech, key_);
    if (rv != CKR_OK) {
      Release(s, rv != CKR_DEVICE_ERROR && rv != CKR_SESSION_HANDLE_INVALID && rv != CKR_DEVICE_REMOVED);
      return false;
    }
    std::string buf(in_copy.size() + kAeadTagSize, '\0');
    CK_ULONG len = buf.size();
    auto* inp = reinterpret_cast<CK_BYTE_PTR>(in_copy.data());
    auto* outp = reinterpret_cast<CK_BYTE_PTR>(buf.data());
    rv =
        encrypt ? f_->C_Encrypt(s, inp, in_copy.size(), outp, &len) : f_->C_Decrypt(s, inp, in_copy.size(), outp, &len);
    Release(s, rv != CKR_DEVICE_ERROR && rv != CKR_SESSION_HANDLE_INVALID && rv != CKR_DEVICE_REMOVED);
    if (rv != CKR_OK) return false;
    buf.resize(len);
    *out = std::move(buf);
    return true;
  }

  Pkcs11Config config_;
  CK_FUNCTION_LIST_PTR f_;
  CK_SLOT_ID slot_;
  CK_OBJECT_HANDLE key_;
  std::string fingerprint_;
  mutable std::mutex mu_;
  mutable std::vector<CK_SESSION_HANDLE> free_;
};

bool BoolAttribute(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
                   CK_BBOOL* value) {
  CK_ATTRIBUTE a{type, value, sizeof(*value)};
  return f->C_GetAttributeValue(s, o, &a, 1) == CKR_OK;
}

}  // namespace

Status OpenPkcs11Provider(const Pkcs11Config& config, std::shared_ptr<const KeyProvider>* out) {
  Module* module = nullptr;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CSMS_RETURN_IF_ERROR(OpenToken(config, &module, &slot, &session));
  CK_FUNCTION_LIST_PTR f = module->f;
  auto fail = [&](Status s) {
    f->C_CloseSession(session);
    return s;
  };
  std::vector<CK_OBJECT_HANDLE> keys;
  Status s = FindKey(f, session, config.key, &keys);
  if (!s.ok()) return fail(s);
  if (keys.empty())
    return fail(errors::Internal("no key labelled \"" + config.key + "\" on PKCS#11 token " + config.token));
  if (keys.size() > 1) {
    return fail(errors::Internal("more than one key labelled \"" + config.key + "\" on PKCS#11 token " + config.token));
  }
  CK_KEY_TYPE type = 0;
  CK_ULONG value_len = 0;
  CK_ATTRIBUTE attrs[] = {{CKA_KEY_TYPE, &type, sizeof(type)}, {CKA_VALUE_LEN, &value_len, sizeof(value_len)}};
  CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE;
  if (f->C_GetAttributeValue(session, keys[0], attrs, 2) != CKR_OK || type != CKK_AES || value_len != 32) {
    return fail(errors::Internal("the PKCS#11 key " + config.key + " is not an AES-256 key"));
  }
  if (!BoolAttribute(f, session, keys[0], CKA_SENSITIVE, &sensitive) ||
      !BoolAttribute(f, session, keys[0], CKA_EXTRACTABLE, &extractable) || sensitive != CK_TRUE ||
      extractable != CK_FALSE) {
    return fail(errors::Internal("the PKCS#11 key " + config.key +
                                 " must be sensitive and not extractable (CKA_SENSITIVE, CKA_EXTRACTABLE=false)"));
  }
  auto provider = std::make_shared<Pkcs11Provider>(config, module, slot, keys[0]);
  provider->Adopt(session);
  CSMS_RETURN_IF_ERROR(provider->ComputeFingerprint());
  *out = std::move(provider);
  return Status::OK();
}

Status GeneratePkcs11Key(const Pkcs11Config& config) {
  Module* module = nullptr;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CSMS_RETURN_IF_ERROR(OpenToken(config, &module, &slot, &session));
  CK_FUNCTION_LIST_PTR f = module->f;
  std::vector<CK_OBJECT_HANDLE> existing;
  Status s = FindKey(f, session, config.key, &existing);
  if (s.ok() && !existing.empty()) s = errors::NameTaken("a key labelled " + config.key + " exists on the token");
  if (s.ok()) {
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ULONG len = 32;
    std::string label = config.key;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_TOKEN, &yes, sizeof(yes)},     {CKA_PRIVATE, &yes, sizeof(yes)},        {CKA_SENSITIVE, &yes, sizeof(yes)},
        {CKA_EXTRACTABLE, &no, sizeof(no)}, {CKA_ENCRYPT, &yes, sizeof(yes)},        {CKA_DECRYPT, &yes, sizeof(yes)},
        {CKA_VALUE_LEN, &len, sizeof(len)}, {CKA_LABEL, label.data(), label.size()},
    };
    CK_MECHANISM mech{CKM_AES_KEY_GEN, nullptr, 0};
    CK_OBJECT_HANDLE key;
    CK_RV rv = f->C_GenerateKey(session, &mech, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &key);
    if (rv != CKR_OK) s = errors::Internal("C_GenerateKey on token " + config.token + " failed: " + RvName(rv));
  }
  f->C_CloseSession(session);
  return s;
}

}  // namespace csms::crypto
