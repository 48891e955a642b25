#include <utility>

#include "support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace csms::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string HttpResult::ErrorCode() const {
  if (!ok_json || !json.IsObject() || !json.HasMember("error_code") || !json["error_code"].IsString()) return "";
  return json["error_code"].GetString();
}

struct HttpClient::Impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(uint16_t port, std::string host) : impl_(new Impl), port_(port), host_(std::move(host)) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                               const Headers& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  bool has_ct = false, has_token = false;
  for (auto& [k, v] : headers) {
    req.set(k, v);
    if (beast::iequals(k, "content-type")) has_ct = true;
    if (beast::iequals(k, "x-auth-token")) has_token = true;
  }
  if (!has_ct && !body.empty()) req.set(bhttp::field::content_type, "application/json");
  if (!has_token && !token_.empty()) req.set("X-Auth-Token", token_);
  req.body() = body;
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    beast::error_code ec;
    if (!impl_->stream) {
      impl_->stream.emplace(impl_->ioc);
      impl_->stream->connect(tcp::endpoint(asio::ip::make_address(host_), port_), ec);
      if (ec) {
        impl_->stream.reset();
        HttpResult r;
        r.status = -1;
        r.body = "connect: " + ec.message();
        return r;
      }
      impl_->buffer.clear();
    }
    bhttp::write(*impl_->stream, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) bhttp::read(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      impl_->stream.reset();  // the server may have closed a kept-alive connection: retry once
      if (attempt == 0) continue;
      HttpResult r;
      r.status = -1;
      r.body = "io: " + ec.message();
      return r;
    }
    auto& res = parser.get();
    HttpResult r;
    r.status = static_cast<int>(res.result_int());
    r.body = res.body();
    for (auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    if (!r.body.empty()) {
      r.json.Parse(r.body.c_str());
      r.ok_json = !r.json.HasParseError();
    }
    if (!res.keep_alive()) impl_->stream.reset();
    return r;
  }
  return HttpResult{};
}

std::string HttpClient::RawExchange(const std::string& bytes, int timeout_ms) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.connect(tcp::endpoint(asio::ip::make_address(host_), port_), ec);
  if (ec) return "";
  asio::write(stream.socket(), asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  for (;;) {
    size_t n = 0;
    bool done = false;
    stream.async_read_some(asio::buffer(buf), [&](beast::error_code e, size_t got) {
      n = got;
      ec = e;
      done = true;
    });
    ioc.restart();
    ioc.run();
    if (!done || n == 0) break;
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::vector<RawResponse> ParseResponses(const std::string& raw) {
  std::vector<RawResponse> out;
  size_t pos = 0;
  while (pos < raw.size()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    while (!parser.is_done()) {
      size_t n = parser.put(asio::buffer(raw.data() + pos, raw.size() - pos), ec);
      pos += n;
      if (ec == bhttp::error::need_more) {
        ec = {};
        if (pos < raw.size() && n > 0) continue;
        parser.put_eof(ec);  // a body delimited by the end of the connection
        if (ec || !parser.is_done()) return out;
        break;
      }
      if (ec || n == 0) return out;
    }
    auto msg = parser.release();
    RawResponse r;
    r.status = static_cast<int>(msg.result_int());
    r.body = std::move(msg.body());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace csms::test
