#include "json/reader.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <unordered_set>
#include <vector>

#include "common/errors.h"
#include "common/utf8.h"

namespace csms::json {
namespace {

Status WrongType(const std::string& path, const char* expected) {
  return errors::InvalidParameter("invalid " + path + ": must be " + expected);
}

Status Missing(const std::string& path) { return errors::InvalidParameter("missing required field " + path); }

// A SAX handler between RapidJSON's reader and the Document it fills: it refuses nesting deeper
// than kMaxDepth and strings or keys that are not well-formed UTF-8, and knows where it is in the
// document so the error can name the field. Returning false stops the reader at once.
class BoundedHandler {
 public:
  explicit BoundedHandler(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return Value() && doc_.Null(); }
  bool Bool(bool b) { return Value() && doc_.Bool(b); }
  bool Int(int i) { return Value() && doc_.Int(i); }
  bool Uint(unsigned u) { return Value() && doc_.Uint(u); }
  bool Int64(int64_t i) { return Value() && doc_.Int64(i); }
  bool Uint64(uint64_t u) { return Value() && doc_.Uint64(u); }
  bool Double(double d) { return Value() && doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return Value() && doc_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (!Value()) return false;
    if (!utf8::IsValid(std::string_view(s, n))) return Fail("invalid " + Where() + ": not valid UTF-8");
    return doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (!utf8::IsValid(std::string_view(s, n))) {
      std::string where = Where(/*with_member=*/false);
      return Fail("a key " + (where.empty() ? std::string("of the body") : "in " + where) + " is not valid UTF-8");
    }
    Frame& f = frames_.back();
    f.key.assign(s, n);
    if (f.SeenBefore(f.key)) {
      std::string where = Where(/*with_member=*/false);
      return Fail("duplicate key \"" + std::string(utf8::Truncate(f.key, 64)) + "\" " +
                  (where.empty() ? std::string("in the body") : "in " + where));
    }
    return doc_.Key(s, n, copy);
  }
  bool StartObject() { return Value() && Open(false) && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return Close() && doc_.EndObject(n); }
  bool StartArray() { return Value() && Open(true) && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return Close() && doc_.EndArray(n); }

  // Set when this handler (not the syntax) stopped the parse.
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    bool array;
    std::string key;   // objects: the member being read
    size_t next = 0;   // arrays: the index of the next element
    size_t index = 0;  // arrays: the index of the element being read
    // Objects: the keys read so far. A key given twice is refused rather than one of its values
    // silently kept: a proxy or validator in front that keeps the other one would check a
    // different request than the one that runs. A few keys are searched in place (bodies have
    // 2-10); past kFewKeys they move to a hash set, so a hostile object with 100,000 keys costs
    // O(n), not O(n^2).
    static constexpr size_t kFewKeys = 16;
    std::vector<std::string> few;
    std::unique_ptr<std::unordered_set<std::string>> many;

    bool SeenBefore(const std::string& k) {
      if (many) return !many->insert(k).second;
      if (std::find(few.begin(), few.end(), k) != few.end()) return true;
      few.push_back(k);
      if (few.size() > kFewKeys) {
        many = std::make_unique<std::unordered_set<std::string>>(std::make_move_iterator(few.begin()),
                                                                 std::make_move_iterator(few.end()));
        few.clear();
      }
      return false;
    }
  };

  // A value starts: inside an array it takes the next index.
  bool Value() {
    if (!frames_.empty() && frames_.back().array) frames_.back().index = frames_.back().next++;
    return true;
  }
  bool Open(bool array) {
    if (frames_.size() >= static_cast<size_t>(kMaxDepth)) {
      return Fail("nested more deeply than " + std::to_string(kMaxDepth) + " levels");
    }
    frames_.push_back(Frame{array, {}, 0, 0, {}, nullptr});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  // The path of the value being read: "notification.target_id", "event_types[1]"; without the
  // member being read of the innermost object when `with_member` is false (the object itself).
  std::string Where(bool with_member = true) const {
    std::string path;
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.array) {
        path += "[" + std::to_string(f.index) + "]";
      } else if (with_member || i + 1 < frames_.size()) {
        if (!path.empty()) path += '.';
        path += utf8::Sanitize(utf8::Truncate(f.key, 64));
      }
    }
    return path;
  }

  rapidjson::Document& doc_;
  std::vector<Frame> frames_;
  std::string error_;
};

}  // namespace

Status ParseObject(std::string_view body, rapidjson::Document* doc) {
  if (body.empty()) return errors::MalformedBody("request body is empty; a JSON object is required");
  // Not kParseFullPrecisionFlag: RapidJSON 1.1.0's full-precision strtod calls __builtin_clzll(0)
  // (undefined behaviour) on a zero significand with an exponent, e.g. 0e40, which the fuzzers
  // found (docs/fuzzing.md). No reader takes a double (integers are exact either way; a number
  // with a fraction or exponent is refused where an integer is wanted), so nothing changes.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;
  rapidjson::MemoryStream memory(body.data(), body.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(memory);
  rapidjson::Reader reader;
  std::string handler_error;
  // Populate() moves the parsed root into *doc only when the generator succeeds.
  auto generate = [&](rapidjson::Document& target) {
    BoundedHandler handler(target);
    bool ok = !reader.Parse<kFlags>(in, handler).IsError();
    handler_error = handler.error();
    return ok;
  };
  doc->SetNull();
  doc->Populate(generate);
  if (!handler_error.empty()) return errors::MalformedBody("request body is not valid JSON: " + handler_error);
  if (reader.HasParseError()) {
    return errors::MalformedBody(std::string("request body is not valid JSON: ") +
                                 rapidjson::GetParseError_En(reader.GetParseErrorCode()) + " at offset " +
                                 std::to_string(reader.GetErrorOffset()));
  }
  // The memory stream reads a NUL byte as the end of input: whatever follows one is not JSON.
  if (in.Tell() != body.size()) {
    return errors::MalformedBody("request body is not valid JSON: unexpected data at offset " +
                                 std::to_string(in.Tell()));
  }
  if (!doc->IsObject()) return errors::MalformedBody("request body must be a JSON object");
  return Status::OK();
}

std::string ObjectReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

const rapidjson::Value* ObjectReader::Find(std::string_view key) const {
  auto it = object_->FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object_->MemberEnd() ? nullptr : &it->value;
}

bool ObjectReader::Has(std::string_view key) const { return Find(key) != nullptr; }

bool ObjectReader::IsNull(std::string_view key) const {
  const rapidjson::Value* v = Find(key);
  return v && v->IsNull();
}

Status ObjectReader::RequireString(std::string_view key, std::string* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Missing(Path(key));
  if (!v->IsString()) return WrongType(Path(key), "a string");
  out->assign(v->GetString(), v->GetStringLength());
  return Status::OK();
}

Status ObjectReader::RequireObject(std::string_view key, ObjectReader* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Missing(Path(key));
  if (!v->IsObject()) return WrongType(Path(key), "an object");
  *out = ObjectReader(*v, Path(key));
  return Status::OK();
}

Status ObjectReader::RequireStringArray(std::string_view key, std::vector<std::string>* out) const {
  std::optional<std::vector<std::string>> v;
  CSMS_RETURN_IF_ERROR(OptionalStringArray(key, &v));
  if (!v) return Missing(Path(key));
  *out = std::move(*v);
  return Status::OK();
}

Status ObjectReader::RequireInt64(std::string_view key, int64_t* out) const {
  std::optional<int64_t> v;
  CSMS_RETURN_IF_ERROR(OptionalInt64(key, &v));
  if (!v) return Missing(Path(key));
  *out = *v;
  return Status::OK();
}

Status ObjectReader::OptionalString(std::string_view key, std::optional<std::string>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsString()) return WrongType(Path(key), "a string");
  out->emplace(v->GetString(), v->GetStringLength());
  return Status::OK();
}

Status ObjectReader::OptionalBool(std::string_view key, std::optional<bool>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsBool()) return WrongType(Path(key), "a boolean");
  *out = v->GetBool();
  return Status::OK();
}

Status ObjectReader::OptionalInt64(std::string_view key, std::optional<int64_t>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsInt64()) return WrongType(Path(key), "an integer");
  *out = v->GetInt64();
  return Status::OK();
}

Status ObjectReader::OptionalStringArray(std::string_view key, std::optional<std::vector<std::string>>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsArray()) return WrongType(Path(key), "an array of strings");
  std::vector<std::string> items;
  items.reserve(v->Size());
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) return WrongType(Path(key), "an array of strings");
    items.emplace_back(item.GetString(), item.GetStringLength());
  }
  *out = std::move(items);
  return Status::OK();
}

Status ObjectReader::OptionalObject(std::string_view key, std::optional<ObjectReader>* out) const {
  const rapidjson::Value* v = Find(key);
  if (!v || v->IsNull()) return Status::OK();
  if (!v->IsObject()) return WrongType(Path(key), "an object");
  out->emplace(*v, Path(key));
  return Status::OK();
}

}  // namespace csms::json
