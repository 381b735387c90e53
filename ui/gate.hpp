// Who may use the interface. Other local users can reach 127.0.0.1, and so
// can web pages in the same browser; only this user, through the URL that
// `inch ui` printed or opened, gets in:
//  - the URL holds a random token (256 bits), exchanged ONCE for a session
//    cookie (HttpOnly, SameSite=Strict, Path=/), then a redirect to a
//    token-free URL; every other request needs that cookie;
//  - Host must name this server by its loopback address or as localhost
//    (a DNS-rebinding page sends its own name);
//  - every request that may change state (anything but GET and HEAD) must
//    come with Origin set to this server (no CSRF), and there are no CORS
//    headers, ever;
//  - every response carries a strict Content-Security-Policy and friends.
// Secrets are compared in constant time (sodium_memcmp) and never logged.
//
// States of the token:  FRESH --its one exchange--> SPENT (for the life of
// the server). Invariant: at most one cookie is ever handed out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "ui/http_types.hpp"

namespace inch::ui {

class Gate {
 public:
  // For a server bound to 127.0.0.1:`port` (or [::1]:`port` with `ipv6`).
  // Draws the token and the session secret (libsodium randombytes).
  Gate(std::uint16_t port, bool ipv6);

  // The URL to open, token included: print it only to the person's own
  // terminal or browser, never to a log.
  std::string Url() const;
  // "http://127.0.0.1:PORT" (or "http://[::1]:PORT").
  std::string Origin() const;

  // The response to send instead of serving `req` (403 with a short page
  // saying how to get in, or the token exchange's redirect), or nullopt
  // when `req` may go on to the routes.
  std::optional<Response> Check(const Request& req);

  // Sets the security headers every response carries (and no-store).
  static void AddSecurityHeaders(Response& res);

 private:
  bool HostAllowed(const Request& req) const;
  bool OriginAllowed(const Request& req) const;
  bool HasSession(const Request& req) const;
  Response Refuse(const Request& req, std::string_view why) const;

  std::uint16_t port_;
  bool ipv6_;
  crypto::Secret token_;    // hex text, as it appears in the URL
  crypto::Secret session_;  // hex text, as it appears in the cookie
  std::string cookie_name_;
  bool spent_ = false;
};

// A plain-text response with `status` and `text` (for people), in the
// HTTP version of `req`.
Response PlainResponse(const Request& req, http::status status,
                       std::string_view text);

}  // namespace inch::ui
