// The interface's gate; see gate.hpp.
#include "ui/gate.hpp"

#include <sodium.h>

namespace inch::ui {
namespace {

constexpr std::size_t kSecretBytes = 32;  // 256 bits each
constexpr std::string_view kTokenPrefix = "/t/";

constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// What a person reads when the browser has no way in: how to get one.
constexpr std::string_view kHowToOpen =
    "This page is private to the person who started it.\n\n"
    "To open inch, run `inch ui` again in a terminal on this laptop: it "
    "opens a fresh link in your browser.\n";

// Random bytes as lowercase hex, kept in guarded memory.
crypto::Secret RandomHex() {
  crypto::Secret raw = crypto::Secret::Random(kSecretBytes);
  crypto::Secret hex(kSecretBytes * 2 + 1);
  sodium_bin2hex(reinterpret_cast<char*>(hex.data()), hex.size(), raw.data(),
                 raw.size());
  // Drop the terminating NUL: the secret is exactly the text.
  return crypto::Secret::CopyOf(hex.view().first(kSecretBytes * 2));
}

std::string_view AsText(const crypto::Secret& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

// Constant-time equality of a secret and untrusted text (its length is
// public: every token and session has the same one).
bool SameSecret(const crypto::Secret& secret, std::string_view text) {
  return text.size() == secret.size() &&
         sodium_memcmp(secret.data(), text.data(), text.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Gate::Gate(std::uint16_t port, bool ipv6)
    : port_(port),
      ipv6_(ipv6),
      token_(RandomHex()),
      session_(RandomHex()),
      // Cookies are per host, not per port: the port in the name keeps two
      // servers (two homes) from overwriting each other's cookie.
      cookie_name_("inch-" + std::to_string(port)) {}

std::string Gate::Origin() const {
  return std::string(ipv6_ ? "http://[::1]:" : "http://127.0.0.1:") +
         std::to_string(port_);
}

std::string Gate::Url() const {
  return Origin() + std::string(kTokenPrefix) + std::string(AsText(token_));
}

bool Gate::HostAllowed(const Request& req) const {
  auto hosts = req.equal_range(http::field::host);
  if (hosts.first == hosts.second || std::next(hosts.first) != hosts.second)
    return false;  // none, or two: both are forgeries
  const std::string_view host = hosts.first->value();
  const std::string port = ":" + std::to_string(port_);
  return host == (ipv6_ ? "[::1]" : "127.0.0.1") + port ||
         host == "localhost" + port;
}

bool Gate::OriginAllowed(const Request& req) const {
  auto origins = req.equal_range(http::field::origin);
  if (origins.first == origins.second ||
      std::next(origins.first) != origins.second)
    return false;  // browsers send exactly one with every POST
  const std::string_view origin = origins.first->value();
  return origin == Origin() ||
         origin == "http://localhost:" + std::to_string(port_);
}

bool Gate::HasSession(const Request& req) const {
  auto cookies = req.equal_range(http::field::cookie);
  for (auto it = cookies.first; it != cookies.second; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? "" : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != cookie_name_)
        continue;
      if (SameSecret(session_, pair.substr(eq + 1))) return true;
    }
  }
  return false;
}

Response Gate::Refuse(const Request& req, std::string_view why) const {
  Response res = PlainResponse(req, http::status::forbidden, why);
  res.keep_alive(false);
  return res;
}

std::optional<Response> Gate::Check(const Request& req) {
  if (!HostAllowed(req)) {
    return Refuse(req,
                  "This address is not inch's. Open the link `inch ui` "
                  "gives you.\n");
  }
  const std::string_view target = req.target();
  if (target.starts_with(kTokenPrefix)) {
    const bool get = req.method() == http::verb::get;
    const bool match =
        get && SameSecret(token_, target.substr(kTokenPrefix.size()));
    // A second visit from the browser that already has the cookie (a
    // reload of the first link) just goes on; anyone else is refused.
    if (match && !spent_) {
      spent_ = true;
      Response res =
          PlainResponse(req, http::status::see_other, "Opening inch...\n");
      res.set(http::field::location, "/");
      res.set(http::field::set_cookie,
              cookie_name_ + "=" + std::string(AsText(session_)) +
                  "; HttpOnly; SameSite=Strict; Path=/");
      return res;
    }
    if (get && HasSession(req)) {
      Response res =
          PlainResponse(req, http::status::see_other, "Opening inch...\n");
      res.set(http::field::location, "/");
      return res;
    }
    return Refuse(req, kHowToOpen);
  }
  if (!HasSession(req)) return Refuse(req, kHowToOpen);
  const bool reads_only =
      req.method() == http::verb::get || req.method() == http::verb::head;
  if (!reads_only && !OriginAllowed(req)) {
    return Refuse(req,
                  "This change did not come from inch's own page, so it was "
                  "refused.\n");
  }
  return std::nullopt;
}

void Gate::AddSecurityHeaders(Response& res) {
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  res.set(http::field::cache_control, "no-store");
}

Response PlainResponse(const Request& req, http::status status,
                       std::string_view text) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::string(text);
  return res;
}

}  // namespace inch::ui
