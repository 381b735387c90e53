// What the server answers: every request passes the gate first
// (ui/gate.hpp); then /api/... goes to the JSON API (ui/api.hpp) and any
// other GET to the embedded assets. Security headers go on every response,
// refusals included. No sockets here: tests call Handle() directly.
#pragma once

#include "ui/api.hpp"
#include "ui/gate.hpp"
#include "ui/http_types.hpp"

namespace inch::ui {

class WebApp {
 public:
  // `gate` and `api` must outlive this.
  WebApp(Gate& gate, const Api& api) : gate_(gate), api_(api) {}

  Response Handle(Request& req);

 private:
  Response Route(Request& req);
  Response ApiCall(Request& req, std::string_view path);

  Gate& gate_;
  const Api& api_;
};

}  // namespace inch::ui
