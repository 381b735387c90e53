// The gate alone (ui/gate.hpp), without sockets: the token is exchanged
// once for the session cookie, a request without it is refused, Host and
// Origin must name this server, and every response carries the headers.
#include "ui/gate.hpp"

#include <gtest/gtest.h>

#include "crypto/secret.hpp"
#include "ui/api.hpp"
#include "ui/web_app.hpp"

namespace inch::ui {
namespace {

constexpr std::uint16_t kPort = 41234;

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitCrypto()); }

  static Request Get(std::string target, std::string host = "127.0.0.1:41234") {
    Request req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    return req;
  }
  std::string TokenPath() const {
    const std::string url = gate_.Url();
    return url.substr(url.find("/t/"));
  }
  // The cookie the token exchange sets ("name=value").
  std::string Exchange() {
    auto res = gate_.Check(Get(TokenPath()));
    EXPECT_TRUE(res.has_value());
    if (!res) return "";
    EXPECT_EQ(res->result(), http::status::see_other);
    EXPECT_EQ((*res)[http::field::location], "/");
    std::string cookie((*res)[http::field::set_cookie]);
    return cookie.substr(0, cookie.find(';'));
  }

  Gate gate_{kPort, false};
};

TEST_F(GateTest, TheUrlHoldsA256BitTokenOnLoopback) {
  const std::string url = gate_.Url();
  const std::string head = "http://127.0.0.1:41234/t/";
  ASSERT_TRUE(url.starts_with(head)) << "not a loopback url";
  EXPECT_EQ(url.size() - head.size(), 64u);
  Gate other{kPort, false};
  EXPECT_NE(other.Url(), url);
}

TEST_F(GateTest, TheTokenIsExchangedOnceForAStrictHttpOnlyCookie) {
  auto res = gate_.Check(Get(TokenPath()));
  ASSERT_TRUE(res.has_value());
  const std::string cookie((*res)[http::field::set_cookie]);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
  EXPECT_TRUE(cookie.starts_with("inch-41234=")) << cookie;
  // The session is not the token.
  EXPECT_EQ(cookie.find(TokenPath().substr(3)), std::string::npos);

  // A second use without the cookie (someone else who saw the URL): 403.
  auto again = gate_.Check(Get(TokenPath()));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->result(), http::status::forbidden);
  EXPECT_TRUE((*again)[http::field::set_cookie].empty());
}

TEST_F(GateTest, ARequestWithoutTheCookieGets403SayingHowToOpenInch) {
  auto res = gate_.Check(Get("/"));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::forbidden);
  EXPECT_NE(res->body().find("run `inch ui` again"), std::string::npos)
      << res->body();
  auto api = gate_.Check(Get("/api/status"));
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->result(), http::status::forbidden);
}

TEST_F(GateTest, AWrongTokenOrCookieGets403) {
  auto wrong = gate_.Check(Get("/t/" + std::string(64, 'a')));
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->result(), http::status::forbidden);
  auto shorter = gate_.Check(Get(TokenPath().substr(0, 20)));
  ASSERT_TRUE(shorter.has_value());
  EXPECT_EQ(shorter->result(), http::status::forbidden);
  // The real token still works after wrong guesses.
  const std::string cookie = Exchange();
  ASSERT_FALSE(cookie.empty());
  Request forged = Get("/");
  forged.set(http::field::cookie,
             cookie.substr(0, cookie.find('=') + 1) + std::string(64, '0'));
  auto res = gate_.Check(forged);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::forbidden);
}

TEST_F(GateTest, TheCookieLetsReadsThrough) {
  const std::string cookie = Exchange();
  Request req = Get("/api/status");
  req.set(http::field::cookie, "other=1; " + cookie + "; more=2");
  EXPECT_FALSE(gate_.Check(req).has_value());
  // localhost names the same server.
  Request local = Get("/", "localhost:41234");
  local.set(http::field::cookie, cookie);
  EXPECT_FALSE(gate_.Check(local).has_value());
}

TEST_F(GateTest, AForgedHostGets403EvenWithTheCookie) {
  const std::string cookie = Exchange();
  for (std::string host :
       {"evil.example:41234", "127.0.0.1:41235", "127.0.0.1", "localhost",
        "127.0.0.1:41234.evil.example", "LOCALHOST:41234 ", ""}) {
    Request req = Get("/", host);
    req.set(http::field::cookie, cookie);
    auto res = gate_.Check(req);
    ASSERT_TRUE(res.has_value()) << host;
    EXPECT_EQ(res->result(), http::status::forbidden) << host;
  }
  // No Host at all, and two of them.
  Request none{http::verb::get, "/", 11};
  none.set(http::field::cookie, cookie);
  auto res = gate_.Check(none);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::forbidden);
  Request two = Get("/");
  two.insert(http::field::host, "evil.example");
  two.set(http::field::cookie, cookie);
  auto res2 = gate_.Check(two);
  ASSERT_TRUE(res2.has_value());
  EXPECT_EQ(res2->result(), http::status::forbidden);
}

TEST_F(GateTest, AForgedHostCannotSpendTheToken) {
  auto spend = gate_.Check(Get(TokenPath(), "evil.example:41234"));
  ASSERT_TRUE(spend.has_value());
  EXPECT_EQ(spend->result(), http::status::forbidden);
  EXPECT_TRUE((*spend)[http::field::set_cookie].empty());
  EXPECT_FALSE(Exchange().empty());  // still there for the real page
}

TEST_F(GateTest, AChangeNeedsThisServersOrigin) {
  const std::string cookie = Exchange();
  auto post = [&](const char* origin) {
    Request req{http::verb::post, "/api/lock", 11};
    req.set(http::field::host, "127.0.0.1:41234");
    req.set(http::field::cookie, cookie);
    if (origin != nullptr) req.set(http::field::origin, origin);
    return gate_.Check(req);
  };
  EXPECT_FALSE(post("http://127.0.0.1:41234").has_value());
  EXPECT_FALSE(post("http://localhost:41234").has_value());
  for (const char* bad :
       {"http://evil.example", "http://127.0.0.1:41235", "null",
        "https://127.0.0.1:41234", "http://127.0.0.1:41234/"}) {
    auto res = post(bad);
    ASSERT_TRUE(res.has_value()) << bad;
    EXPECT_EQ(res->result(), http::status::forbidden) << bad;
  }
  auto missing = post(nullptr);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->result(), http::status::forbidden);
}

TEST_F(GateTest, EveryResponseCarriesTheSecurityHeadersAndNoCors) {
  Api api(ApiConfig{"/nonexistent/inch-home"});
  WebApp app(gate_, api);
  Request refused = Get("/");
  Request token = Get(TokenPath());
  Request forged = Get("/", "evil.example");
  for (Request* req : {&refused, &token, &forged}) {
    Response res = app.Handle(*req);
    const std::string csp(res["Content-Security-Policy"]);
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(res["X-Frame-Options"], "DENY");
    EXPECT_EQ(res[http::field::cache_control], "no-store");
    EXPECT_TRUE(res[http::field::access_control_allow_origin].empty());
  }
}

TEST_F(GateTest, ThePageAndItsAssetsAreBuiltIn) {
  Api api(ApiConfig{"/nonexistent/inch-home"});
  WebApp app(gate_, api);
  const std::string cookie = Exchange();
  auto get = [&](const char* path) {
    Request req = Get(path);
    req.set(http::field::cookie, cookie);
    return app.Handle(req);
  };
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    Response res = get(path);
    EXPECT_EQ(res.result(), http::status::ok) << path;
    EXPECT_FALSE(res.body().empty()) << path;
  }
  Response page = get("/");
  EXPECT_TRUE(page[http::field::content_type].starts_with("text/html"));
  // Nothing from elsewhere, and no inline script.
  EXPECT_EQ(page.body().find("http"), std::string::npos);
  EXPECT_EQ(page.body().find("<script>"), std::string::npos);
  EXPECT_EQ(get("/app.js").body().find("innerHTML"), std::string::npos);
  EXPECT_EQ(get("/nothing-here").result(), http::status::not_found);
}

}  // namespace
}  // namespace inch::ui
