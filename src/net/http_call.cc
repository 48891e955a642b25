#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "net/http_call.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <exception>
#include <optional>

namespace csms::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

bool Failed(HttpCallResult* out, std::string error) {
  out->status = 0;
  out->body.clear();
  out->headers.clear();
  out->error = std::move(error);
  return false;
}

template <typename Stream>
asio::awaitable<void> Exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, size_t limit,
                               HttpCallResult* out) {
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(limit);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  out->status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out->headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out->body = std::move(parser.get().body());
}

asio::awaitable<void> Call(const Url& url, bhttp::request<bhttp::string_body>& req, const HttpCallOptions& options,
                           asio::ssl::context* tls, HttpCallResult* out) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  // Connects to exactly the addresses checked here (no second lookup a rebinding name could change).
  if (options.destinations) {
    for (const auto& entry : endpoints) {
      asio::ip::address a = entry.endpoint().address();
      IpAddress address = a.is_v4() ? IpAddress::V4(a.to_v4().to_uint()) : IpAddress::V6(a.to_v6().to_bytes().data());
      if (!options.destinations->Allows(url.host, address)) {
        out->error = DestinationPolicy::RefusedMessage(address);
        co_return;
      }
    }
  }
  if (!tls) {
    beast::tcp_stream stream(ex);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_await Exchange(stream, req, options.max_response_bytes, out);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(ex, *tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  if (options.verify_peer) stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_await Exchange(stream, req, options.max_response_bytes, out);
}

}  // namespace

std::string HostHeader(const Url& url) {
  bool default_port = url.port == (url.tls ? "443" : "80");
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return default_port ? host : host + ":" + url.port;
}

bool Send(const HttpCallRequest& request, const HttpCallOptions& options, HttpCallResult* out) {
  *out = HttpCallResult{};
  Url url;
  if (!ParseUrl(request.url, &url)) return Failed(out, "invalid URL");
  std::optional<asio::ssl::context> tls;
  if (url.tls) {
    tls.emplace(asio::ssl::context::tls_client);
    beast::error_code ec;
    if (!options.ca_file.empty())
      tls->load_verify_file(options.ca_file, ec);
    else
      tls->set_default_verify_paths(ec);
    if (ec) return Failed(out, "cannot load trusted certificates: " + ec.message());
    tls->set_verify_mode(options.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
  }
  bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) return Failed(out, "unknown method " + request.method);
  bhttp::request<bhttp::string_body> req{verb, url.target, 11};
  req.set(bhttp::field::host, HostHeader(url));
  req.set(bhttp::field::user_agent, "csmsd");
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();

  asio::io_context ioc;
  bool finished = false;
  std::string failure;
  asio::co_spawn(ioc, Call(url, req, options, tls ? &*tls : nullptr, out), [&](std::exception_ptr e) {
    finished = true;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      failure = ex.what();
    }
  });
  ioc.run_for(options.timeout);
  if (!finished) return Failed(out, "no answer within " + std::to_string(options.timeout.count()) + " ms");
  if (!failure.empty()) return Failed(out, "request failed: " + failure);
  if (!out->error.empty()) return Failed(out, out->error);  // refused by options.destinations
  return true;
}

bool PostJson(const std::string& url_text, const std::string& body, const HttpCallOptions& options,
              HttpCallResult* out) {
  HttpCallRequest request;
  request.method = "POST";
  request.url = url_text;
  request.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  request.body = body;
  return Send(request, options, out);
}

}  // namespace csms::net
