// The machinery that lets a handler answer a request from any thread (private to http/server*).
//
// A request is handed out as an Exchange (http/server.h). Its answer must reach the
// connection's I/O thread, which owns the connection and takes no locks on the request path.
// Each I/O thread has a Mailbox; an answer given on that same thread is delivered at once, an
// answer from any other thread is posted to the mailbox's io_context, and an answer that comes
// after the server stopped (mailbox closed) or after the connection closed is dropped.
//
// Beast stays out of this header (it compiles slowly); NewExchange, which takes a Beast request,
// is declared in http/server_internal.h.
#pragma once

#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include <boost/asio/io_context.hpp>

#include <mutex>

namespace csms::http {

// Where answers from other threads go: the connection's io_context, until the server stops.
// Thread-safe: ioc is read and cleared under mu (cleared once, by HttpServer::Shutdown after the
// I/O thread has stopped), so a post never reaches a destroyed io_context.
struct Mailbox {
  std::mutex mu;
  boost::asio::io_context* ioc = nullptr;  // null once the server has stopped
};

// The mailbox of the I/O thread running here (null on other threads): an answer given on the
// connection's own thread is delivered at once instead of posted. Set by each I/O thread for
// the span of its io_context::run.
extern thread_local const Mailbox* tl_mailbox;

}  // namespace csms::http
