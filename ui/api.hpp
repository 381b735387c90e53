// The JSON API the page talks to (docs/API.md), apart from HTTP: a route
// table from (method, path) to handlers that take a parsed JSON request and
// return a JSON response, so they are tested without sockets. Handlers call
// the same store functions and consent gate as the CLI (through cli's
// Context) and describe things as the CLI's --json does.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/context.hpp"
#include "common/error.hpp"

namespace inch::ui {

// The longest passphrase a request may carry (unlock, setup): far beyond
// any a person types, and a bound on what Argon2 is handed.
inline constexpr std::size_t kMaxPassphraseBytes = 1024;

class PairJob;  // ui/pair_job.hpp

struct ApiRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // "/api/lists", without a query
  nlohmann::json body = nlohmann::json::object();
};

struct ApiResponse {
  unsigned status = 200;
  nlohmann::json body = nlohmann::json::object();
};

// Where the API finds the node: the home (as `--home`), and its agent.
struct ApiConfig {
  std::string home;  // "" = INCH_HOME or the default, as the CLI resolves it
};

class Api {
 public:
  explicit Api(ApiConfig config);

  // Routes and answers `req`. Unknown path: 404; known path, other
  // method: 405; a handler's error: its status (400 bad input, 401 wrong
  // passphrase, 404 unknown item, 409 conflict, 423 locked, 500 otherwise)
  // with {"error": code, "message": words for people}.
  ApiResponse Handle(const ApiRequest& req) const;

  // A fresh context for one request: the key only from the unlock agent
  // (never a prompt or a passphrase file; `inch ui` clears
  // INCH_PASSPHRASE_FILE). It holds the home's key lock until destroyed.
  cli::Context NewContext() const;
  // The one pairing or unpairing the page runs (api_pair.cpp).
  PairJob& pair_job() const { return *pair_job_; }

  using Handler = std::function<Result<ApiResponse>(
      const Api& api, const ApiRequest& req, std::string_view id)>;
  struct Route {
    std::string method;
    std::string pattern;  // "/api/items/{id}/share": one {id} segment at most
    Handler handler;
  };

 private:
  ApiConfig config_;
  std::vector<Route> routes_;
  std::shared_ptr<PairJob> pair_job_;
};

// The HTTP status for an error code (see Api::Handle).
unsigned StatusFor(Errc code);
// {"error": "locked", "message": ...}
nlohmann::json ErrorJson(const Error& e);

// The master key from the agent for `ctx`, counted as a use (it resets the
// agent's idle timer, as a command does). kLocked with words for people
// when inch is locked.
Status RequireKey(cli::Context& ctx);

// The routes of each group (api_node.cpp, api_lists.cpp, ...).
std::vector<Api::Route> NodeRoutes();
std::vector<Api::Route> ListsRoutes();
std::vector<Api::Route> SetupRoutes();    // api_setup.cpp
std::vector<Api::Route> JournalRoutes();  // api_journal.cpp
std::vector<Api::Route> PairRoutes();     // api_pair.cpp
std::shared_ptr<PairJob> NewPairJob();    // api_pair.cpp

}  // namespace inch::ui
