#include <utility>

#include "support/http_stub.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace csms::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpStub::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
};

HttpStub::HttpStub() : impl_(new Impl) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { Serve(); });
}

HttpStub::~HttpStub() {
  stop_ = true;
  // Wake the blocking accept with a connection of our own.
  try {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  } catch (...) {
  }
  if (thread_.joinable()) thread_.join();
}

std::string HttpStub::Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

void HttpStub::Respond(int status, std::string body, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
  body_ = std::move(body);
  delay_ = delay;
}

std::vector<StubRequest> HttpStub::Requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void HttpStub::Serve() {
  while (!stop_) {
    tcp::socket socket(impl_->ioc);
    beast::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec || stop_) continue;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(socket, buffer, req, ec);
    if (ec) continue;
    int status;
    std::string body;
    std::chrono::milliseconds delay;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(StubRequest{std::string(req.method_string()), std::string(req.target()), req.body(),
                                      std::string(req[bhttp::field::content_type])});
      status = status_;
      body = body_;
      delay = delay_;
    }
    auto until = std::chrono::steady_clock::now() + delay;
    while (!stop_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = body;
    res.prepare_payload();
    bhttp::write(socket, res, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace csms::test
