// Beast-dependent internals shared by http/server.cc and http/exchange.cc (private to them).
// Kept apart from http/exchange.h and http/connection_registry.h so that only the files that
// parse and write HTTP compile Beast, which is slow to compile.
#pragma once

#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <string>

#include "http/connection_registry.h"
#include "http/exchange.h"
#include "http/server.h"

namespace csms::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The Exchange for a parsed request of `session`, whose I/O thread reads `mailbox`. Thread-safe
// as Exchange promises: Respond may be called from any thread, once; the answer reaches the
// session on its own thread (see http/exchange.h), and an Exchange released without an answer
// is answered 500.
// `client_cert_verified`: HttpRequest::client_cert_verified of the request.
std::shared_ptr<Exchange> NewExchange(BeastRequest req, std::string request_id, std::weak_ptr<SessionBase> session,
                                      std::shared_ptr<Mailbox> mailbox, std::string remote_address = "",
                                      bool client_cert_verified = false);

}  // namespace csms::http
