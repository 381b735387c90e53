// The server over a real socket on 127.0.0.1 (ui/http_server.hpp with the
// gate and routes of ui/web_app.hpp): no cookie -> 403, a forged Host ->
// 403, a cross-origin POST -> 403, the token gives the cookie once,
// oversize -> 413 and malformed -> 400 while the server keeps serving,
// a cap on connections, idle connections closed, loopback only.
#include <gtest/gtest.h>

#include <thread>

#include "crypto/secret.hpp"
#include "ui/api.hpp"
#include "ui/gate.hpp"
#include "ui/http_server.hpp"
#include "ui/web_app.hpp"

namespace inch::ui {
namespace {

namespace asio = net::asio;
using net::tcp;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    limits_.max_connections = 4;
    limits_.idle_timeout = std::chrono::milliseconds(300);
    auto server = HttpServer::Bind(
        io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), limits_,
        [this](Request& req) { return app_->Handle(req); });
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    port_ = server_->local_endpoint().port();
    gate_.emplace(port_, false);
    app_.emplace(*gate_, api_);
    asio::co_spawn(io_, server_->Run(), net::LogCompletion{"test server"});
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) asio::post(io_, [this] { server_->Stop(); });
    if (thread_.joinable()) thread_.join();
  }

  tcp::socket Connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return s;
  }
  // Sends `raw` on a new connection and reads one response.
  Response Send(const std::string& raw) {
    tcp::socket s = Connect();
    asio::write(s, asio::buffer(raw));
    return Read(s);
  }
  static Response Read(tcp::socket& s) {
    beast::flat_buffer buf;
    Response res;
    boost::system::error_code ec;
    http::read(s, buf, res, ec);
    if (ec) res.result(http::status::unknown);
    return res;
  }
  std::string Host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: " + Host() + "\r\n" + extra +
           "\r\n";
  }
  std::string TokenPath() const {
    const std::string url = gate_->Url();
    return url.substr(url.find("/t/"));
  }
  // The session cookie ("name=value"), from the one token exchange.
  std::string Cookie() {
    Response res = Send(Get(TokenPath()));
    EXPECT_EQ(res.result(), http::status::see_other);
    std::string c(res[http::field::set_cookie]);
    return c.substr(0, c.find(';'));
  }

  asio::io_context io_, client_io_;
  HttpLimits limits_;
  Api api_{ApiConfig{"/nonexistent/inch-home"}};
  std::unique_ptr<HttpServer> server_;
  std::optional<Gate> gate_;
  std::optional<WebApp> app_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(ServerTest, NoCookieGets403) {
  Response res = Send(Get("/"));
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_NE(res.body().find("inch ui"), std::string::npos) << res.body();
  EXPECT_EQ(Send(Get("/api/lists")).result(), http::status::forbidden);
}

TEST_F(ServerTest, TheTokenGivesTheCookieOnceAndTheCookieGetsIn) {
  const std::string cookie = Cookie();
  ASSERT_FALSE(cookie.empty());
  Response again = Send(Get(TokenPath()));
  EXPECT_EQ(again.result(), http::status::forbidden);
  EXPECT_TRUE(again[http::field::set_cookie].empty());
  Response page = Send(Get("/", "Cookie: " + cookie + "\r\n"));
  EXPECT_EQ(page.result(), http::status::ok);
  EXPECT_NE(page.body().find("<title>inch</title>"), std::string::npos);
  EXPECT_FALSE(page["Content-Security-Policy"].empty());
}

TEST_F(ServerTest, AForgedHostGets403) {
  const std::string cookie = Cookie();
  Response res =
      Send("GET / HTTP/1.1\r\nHost: rebind.example:" + std::to_string(port_) +
           "\r\nCookie: " + cookie + "\r\n\r\n");
  EXPECT_EQ(res.result(), http::status::forbidden);
}

TEST_F(ServerTest, ACrossOriginPostGets403AndChangesNothing) {
  const std::string cookie = Cookie();
  const std::string body = R"({"what":"lists","on":true})";
  auto post = [&](const std::string& origin) {
    return Send("POST /api/consent HTTP/1.1\r\nHost: " + Host() +
                "\r\nCookie: " + cookie + "\r\nOrigin: " + origin +
                "\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  Response evil = post("http://evil.example");
  EXPECT_EQ(evil.result(), http::status::forbidden);
  EXPECT_EQ(evil.body().find("error"), std::string::npos);  // not the API's
  // The same request from the page's origin reaches the API (which finds
  // no node in this test's home).
  Response own = post("http://" + Host());
  EXPECT_NE(own.result(), http::status::forbidden);
  EXPECT_NE(own.body().find("\"error\""), std::string::npos) << own.body();
}

TEST_F(ServerTest, AFormPostIsRefusedEvenFromTheOrigin) {
  const std::string cookie = Cookie();
  Response res = Send("POST /api/lock HTTP/1.1\r\nHost: " + Host() +
                      "\r\nCookie: " + cookie + "\r\nOrigin: http://" + Host() +
                      "\r\nContent-Type: application/x-www-form-urlencoded"
                      "\r\nContent-Length: 3\r\n\r\na=b");
  EXPECT_EQ(res.result(), http::status::unsupported_media_type);
}

TEST_F(ServerTest, OversizeGets413AndTheServerKeepsServing) {
  // A body over the limit is refused from its Content-Length alone.
  Response body = Send("POST /api/wishes HTTP/1.1\r\nHost: " + Host() +
                       "\r\nContent-Type: application/json\r\n"
                       "Content-Length: 100000\r\n\r\n");
  EXPECT_EQ(body.result(), http::status::payload_too_large);
  // Headers over 8 KiB.
  Response head =
      Send(Get("/", "X-Padding: " + std::string(9000, 'a') + "\r\n"));
  EXPECT_EQ(head.result(), http::status::payload_too_large);
  // A body that is actually sent, over the limit.
  const std::string big(70 * 1024, 'x');
  Response sent =
      Send("POST /api/wishes HTTP/1.1\r\nHost: " + Host() +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_EQ(sent.result(), http::status::payload_too_large);
  EXPECT_EQ(Send(Get("/")).result(), http::status::forbidden);  // alive
}

TEST_F(ServerTest, MalformedGets400AndTheServerKeepsServing) {
  EXPECT_EQ(Send("NOT HTTP AT ALL\r\n\r\n").result(),
            http::status::bad_request);
  EXPECT_EQ(Send("GET / HTTP/1.1\r\nHost: " + Host() +
                 "\r\nContent-Length: nope\r\n\r\n")
                .result(),
            http::status::bad_request);
  EXPECT_EQ(Send(Get("/")).result(), http::status::forbidden);  // alive
}

TEST_F(ServerTest, ConnectionsAreCappedAndIdleOnesClosed) {
  // With the cookie, so each stays open after its answer (a refusal
  // closes its connection).
  const std::string cookie = "Cookie: " + Cookie() + "\r\n";
  std::vector<tcp::socket> held;
  for (std::size_t i = 0; i < limits_.max_connections; ++i) {
    held.push_back(Connect());
  }
  // Served one by one, so the server has counted all of them.
  for (auto& s : held) {
    asio::write(s, asio::buffer(Get("/", cookie)));
    EXPECT_EQ(Read(s).result(), http::status::ok);
  }
  tcp::socket extra = Connect();
  asio::write(extra, asio::buffer(Get("/")));
  EXPECT_EQ(Read(extra).result(), http::status::unknown);  // closed at once
  // Idle ones are closed by the server; then there is room again.
  for (auto& s : held) {
    char byte = 0;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec) << "an idle connection stayed open";
  }
  // The slots are given back once the server has seen each close.
  Response later;
  for (int i = 0; i < 50 && later.result() != http::status::forbidden; ++i) {
    later = Send(Get("/"));
    if (later.result() != http::status::forbidden)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(later.result(), http::status::forbidden);
}

TEST_F(ServerTest, ANonLoopbackAddressIsRefused) {
  asio::io_context io;
  for (const char* address : {"0.0.0.0", "::", "192.0.2.1"}) {
    auto server = HttpServer::Bind(
        io, tcp::endpoint(asio::ip::make_address(address), 0), HttpLimits{},
        [](Request& req) { return PlainResponse(req, http::status::ok, ""); });
    ASSERT_FALSE(server.has_value()) << address;
    EXPECT_EQ(server.error().code, Errc::kInvalidInput);
    EXPECT_NE(server.error().message.find("this laptop only"),
              std::string::npos);
  }
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("::1")));
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("127.0.0.2")));
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("::ffff:10.0.0.1")));
}

}  // namespace
}  // namespace inch::ui
