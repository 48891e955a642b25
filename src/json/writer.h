// Writing response bodies: a RapidJSON writer over a string buffer, with the small conveniences
// our handlers need. Keys are string literals; values are escaped by RapidJSON. Every body is valid
// UTF-8 whatever went in: text that is not (a path id with %FF, an old row, a response prefix) is
// written with U+FFFD in place of each ill-formed sequence.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/utf8.h"

namespace csms::json {

class Writer {
 public:
  Writer() : writer_(buffer_) {}

  Writer& StartObject() {
    writer_.StartObject();
    return *this;
  }
  Writer& EndObject() {
    writer_.EndObject();
    return *this;
  }
  Writer& StartArray() {
    writer_.StartArray();
    return *this;
  }
  Writer& EndArray() {
    writer_.EndArray();
    return *this;
  }
  Writer& Key(std::string_view k) {
    if (!utf8::IsValid(k)) return Key(std::string_view(utf8::Sanitize(k)));
    writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Writer& String(std::string_view v) {
    if (!utf8::IsValid(v)) return String(std::string_view(utf8::Sanitize(v)));
    writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  Writer& Int(int64_t v) {
    writer_.Int64(v);
    return *this;
  }
  // A finite number (JSON has no NaN or infinity: those are written as null).
  Writer& Double(double v) {
    if (v != v || v - v != 0) return Null();
    writer_.Double(v);
    return *this;
  }
  Writer& Bool(bool v) {
    writer_.Bool(v);
    return *this;
  }
  Writer& Null() {
    writer_.Null();
    return *this;
  }

  // Key/value shorthands.
  Writer& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  Writer& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  Writer& Field(std::string_view k, const std::string& v) { return Key(k).String(v); }
  Writer& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  Writer& Field(std::string_view k, int v) { return Key(k).Int(v); }
  Writer& Field(std::string_view k, bool v) { return Key(k).Bool(v); }
  // An optional number: null when absent.
  Writer& Field(std::string_view k, const std::optional<int64_t>& v) { return v ? Key(k).Int(*v) : Key(k).Null(); }

  std::string Take() { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace csms::json
